"""Facts about services that pipelines report (security scans, TLS, coverage, ...)."""
