"""GitLab's webhook secret token: X-Gitlab-Token carries the configured secret as it is."""

from __future__ import annotations

import hmac

from tmse.integrations.cicd_events.refusals import (
    MISSING_CREDENTIAL,
    NOT_CONFIGURED,
    WRONG_CREDENTIAL,
    SignatureRefused,
)

TOKEN_HEADER = "X-Gitlab-Token"  # noqa: S105 - a header name, not a secret


def verify_token(secret: str, header: str | None) -> None:
    """Return when the header holds `secret` (compared in constant time); SignatureRefused
    otherwise."""
    if not secret:
        raise SignatureRefused(NOT_CONFIGURED, TOKEN_HEADER)
    if header is None or header == "":
        raise SignatureRefused(MISSING_CREDENTIAL, TOKEN_HEADER)
    if not hmac.compare_digest(secret.encode("utf-8"), header.encode("utf-8", "surrogatepass")):
        raise SignatureRefused(WRONG_CREDENTIAL, TOKEN_HEADER)
