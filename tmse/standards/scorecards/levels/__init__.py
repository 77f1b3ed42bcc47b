"""Scorecard levels: the ranked levels a service holds, and their pages."""
