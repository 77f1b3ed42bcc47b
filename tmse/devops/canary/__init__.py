"""Canary analysis: baseline against canary, metric by metric, in the manner of a Kayenta judge."""
