"""Core services that every domain stands on; imports no domain."""
