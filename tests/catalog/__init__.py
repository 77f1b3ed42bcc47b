"""Tests of the architecture catalog."""
