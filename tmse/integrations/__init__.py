"""Outside formats in and out: catalog descriptors, CI events, metrics, specifications."""
