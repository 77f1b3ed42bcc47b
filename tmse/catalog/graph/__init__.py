"""The dependency graph: loading, analysis, layer checks, blast radius, overview pages."""
