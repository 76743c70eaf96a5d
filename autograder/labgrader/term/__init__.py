"""term: due dates, the late policy, extensions and submission times (applied at export)."""
