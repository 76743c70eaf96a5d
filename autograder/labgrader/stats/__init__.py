"""stats: item analysis of a graded lab (per exercise and hidden check) and the score distribution."""
