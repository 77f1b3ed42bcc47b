"""Requirements governance: intake, triage, joint review, priorities, baselines, change control."""
