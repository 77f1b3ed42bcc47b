"""tmse — a Technical Management System."""

__version__ = "0.1.0"
