"""Code and pipeline records read from CI/CD deliveries: repositories, commits, pull requests,
pipelines and their jobs."""
