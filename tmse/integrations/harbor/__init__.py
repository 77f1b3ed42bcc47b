"""Harbor webhook deliveries (Default and CloudEvents formats) → artifact and scan facts.
The DevOps domain calls `verify_auth`, then `parse`; pure: nothing here knows the database."""

from tmse.integrations.harbor.auth import verify_auth
from tmse.integrations.harbor.errors import DeliveryRefused, SignatureRefused
from tmse.integrations.harbor.events import CLOUD_EVENT_TYPES, parse
from tmse.integrations.harbor.fields import MAX_BODY_BYTES
from tmse.integrations.harbor.model import (
    HANDLED_EVENTS,
    ArtifactFact,
    HarborDelivery,
    ScanFact,
    VulnerabilityCounts,
)

__all__ = [
    "CLOUD_EVENT_TYPES",
    "HANDLED_EVENTS",
    "MAX_BODY_BYTES",
    "ArtifactFact",
    "DeliveryRefused",
    "HarborDelivery",
    "ScanFact",
    "SignatureRefused",
    "VulnerabilityCounts",
    "parse",
    "verify_auth",
]
