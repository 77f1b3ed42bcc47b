"""GitHub webhooks: check a delivery's signature, then read it into delivery facts."""
# The DevOps domain calls `verify_signature(secret, body, header)` and then
# `parse(event, body, delivery_id)`; both are pure and import no domain.

from tmse.integrations.github.events import DELIVERY_HEADER, EVENT_HEADER, SOURCE, parse
from tmse.integrations.github.signature import SIGNATURE_HEADER, verify_signature

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "SOURCE",
    "parse",
    "verify_signature",
]
