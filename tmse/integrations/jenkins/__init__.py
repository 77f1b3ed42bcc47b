"""Jenkins Notification plugin deliveries: check the shared token, then read a build phase
into delivery facts."""
# The DevOps domain calls `verify_token(secret, authorization, token)` and then `parse(body)`;
# both are pure and import no domain.

from tmse.integrations.jenkins.notifications import (
    DELIVERY_HEADER,
    ENVIRONMENT_PARAMETERS,
    SERVICE_PARAMETERS,
    SOURCE,
    parse,
)
from tmse.integrations.jenkins.token import AUTHORIZATION_HEADER, TOKEN_HEADER, verify_token

__all__ = [
    "AUTHORIZATION_HEADER",
    "DELIVERY_HEADER",
    "ENVIRONMENT_PARAMETERS",
    "SERVICE_PARAMETERS",
    "SOURCE",
    "TOKEN_HEADER",
    "parse",
    "verify_token",
]
