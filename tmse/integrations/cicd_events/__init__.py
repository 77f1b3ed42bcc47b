"""CI/CD delivery facts: the plain vocabulary the GitHub, GitLab and Jenkins adapters speak."""
# Standard library only, so the DevOps domain and its pure analytics can use these types
# without importing any adapter. Each adapter answers one `DeliveryBatch` per delivery.

from tmse.integrations.cicd_events.facts import (
    CommitFact,
    DeliveryBatch,
    DeploymentFact,
    DeploymentStatus,
    JobFact,
    PipelineFact,
    PipelineStatus,
    PullRequestFact,
    PullRequestState,
    ReviewFact,
    ReviewState,
)
from tmse.integrations.cicd_events.keys import requirement_keys
from tmse.integrations.cicd_events.reading import DEFAULT_MAX_BYTES
from tmse.integrations.cicd_events.refusals import DeliveryRefused, SignatureRefused

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CommitFact",
    "DeliveryBatch",
    "DeliveryRefused",
    "DeploymentFact",
    "DeploymentStatus",
    "JobFact",
    "PipelineFact",
    "PipelineStatus",
    "PullRequestFact",
    "PullRequestState",
    "ReviewFact",
    "ReviewState",
    "SignatureRefused",
    "requirement_keys",
]
