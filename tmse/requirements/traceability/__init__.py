"""Traceability: the goal → objective → initiative → requirement → service matrix."""
