"""release: solutions/ -> labs/ (student notebooks), verified."""
