"""Quality gates: a service's coverage and test results held against configurable rules; pipelines
upload their reports to /api/v1/quality/runs and read the gate's status, kept as history."""
