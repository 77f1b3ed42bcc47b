"""Change control: change requests with impact analysis, the change board, freeze windows."""
