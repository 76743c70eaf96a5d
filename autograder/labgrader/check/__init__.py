"""check: the student's self-check (visible tests only)."""
