"""Lab 05 (adversarial examples): its visible checks."""
