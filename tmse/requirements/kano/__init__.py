"""Kano surveys: features, respondents' answer pairs, classification and the Better/Worse chart."""
