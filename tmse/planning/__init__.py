"""Projects, releases, milestones and freeze windows: the plan requirements are put into."""
