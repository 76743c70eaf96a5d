"""similarity: pairwise similarity of answer cells across submissions (copydetect fingerprints)."""
