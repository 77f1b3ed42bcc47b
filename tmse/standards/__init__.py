"""Standards and rules: conformance checks, scorecards, ADRs and architecture reviews."""
