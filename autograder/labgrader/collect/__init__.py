"""collect: bring submissions from an LMS export into the folder layout `grade` reads."""
