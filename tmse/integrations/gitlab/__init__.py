"""GitLab webhooks: check a delivery's secret token, then read it into delivery facts."""
# The DevOps domain calls `verify_token(secret, header)` and then
# `parse(event, body, delivery_id)`; both are pure and import no domain.

from tmse.integrations.gitlab.events import DELIVERY_HEADER, EVENT_HEADER, SOURCE, parse
from tmse.integrations.gitlab.token import TOKEN_HEADER, verify_token

__all__ = ["DELIVERY_HEADER", "EVENT_HEADER", "SOURCE", "TOKEN_HEADER", "parse", "verify_token"]
