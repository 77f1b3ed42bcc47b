"""Likely duplicate services: similarity and the page that lists them."""
