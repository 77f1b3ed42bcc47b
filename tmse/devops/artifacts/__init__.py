"""Container artifacts pushed to registries and their vulnerability scans, from Harbor."""
