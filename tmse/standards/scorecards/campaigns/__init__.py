"""Scorecard campaigns: a target level for a scope by a date, and the progress towards it."""
