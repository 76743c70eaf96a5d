"""Lab 01 part 2 (music generation): its visible checks, the ABC tunes and audio."""
