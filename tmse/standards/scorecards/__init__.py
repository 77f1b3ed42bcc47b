"""Scorecards: rule results rolled up into levels and scores, their trend, heat map, campaigns."""
