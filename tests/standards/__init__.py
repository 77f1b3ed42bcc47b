"""Tests of standards, conformance checks and ADRs."""
