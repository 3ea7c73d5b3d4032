"""The REST API v1 for chain partners (issue 10), after the NL API Design Rules (Logius)."""
