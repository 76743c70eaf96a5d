"""Lab 03 (LLM fine-tuning): its visible checks, the model loader, the style pairs and judges."""
