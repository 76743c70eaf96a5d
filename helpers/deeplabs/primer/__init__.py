"""Lab 01 part 1 (PyTorch primer): its visible checks and the digits data."""
