"""DORA metrics: deployment frequency, lead time, change failure rate, time to restore."""
