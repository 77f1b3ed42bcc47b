"""The layering rules the dependency checks apply."""
