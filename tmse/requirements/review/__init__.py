"""Joint review of requirements: approvals per capacity, review requests, the reviewers' queue."""
