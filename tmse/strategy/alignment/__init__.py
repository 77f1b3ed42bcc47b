"""Alignment: how goals, objectives, initiatives and requirements serve each other."""
