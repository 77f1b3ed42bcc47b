"""Scheduled jobs and the database leader lock that lets exactly one worker run them."""
