"""Lab 04 (diffusion): its visible checks and the scoring of generated images."""
