"""export: grades out of the gradebook."""
