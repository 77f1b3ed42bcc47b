"""Delivery: projects in phases (iterative or gated), releases, milestones and freeze windows."""
