"""Architecture reviews: requests, automatic checklists, reviewers, decisions, stage gate."""
