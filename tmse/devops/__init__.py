"""DevOps: delivery records from CI/CD sources, quality gates, canary analysis and DORA metrics."""
