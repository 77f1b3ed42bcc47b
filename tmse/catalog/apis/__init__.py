"""APIs: definitions, conformance, pages."""
