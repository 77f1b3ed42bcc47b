"""Data stores and their read replicas."""
