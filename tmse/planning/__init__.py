"""Projects, releases, milestones and freeze windows: the plan that requirements are scheduled into."""
