"""feedback: per-student HTML from the autograded notebooks (nbgrader generate_feedback)."""
