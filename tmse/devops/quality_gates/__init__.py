"""Quality gates: a service's coverage and test results held against configurable rules."""
