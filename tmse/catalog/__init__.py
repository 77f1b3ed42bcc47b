"""Architecture catalog: systems, services in layers, their dependencies."""
