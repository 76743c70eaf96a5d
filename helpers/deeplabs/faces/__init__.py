"""Lab 02 (face detection and DB-VAE): its visible checks, the faces data, per-group metrics."""
