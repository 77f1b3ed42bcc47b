"""Users, teams, memberships, passwords, API tokens and web sessions."""
