"""Strategy: business goals, tech objectives with key results, initiatives, and their alignment."""
