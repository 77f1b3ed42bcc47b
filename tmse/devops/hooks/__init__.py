"""Webhook sources (GitHub, GitLab, Jenkins): their secrets, the endpoints the tools call, and
the log of every delivery received."""
