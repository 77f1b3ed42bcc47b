"""The shared token a Jenkins job sends with its notifications: `Authorization: Bearer <token>`
or `X-Tmse-Token: <token>`."""
# The Notification plugin signs nothing, so a job proves itself by a token set in its endpoint's
# headers. When both headers come, both must hold the token.

from __future__ import annotations

import hmac

from tmse.integrations.cicd_events.refusals import (
    MALFORMED_AUTHORIZATION,
    MISSING_CREDENTIAL,
    NOT_CONFIGURED,
    WRONG_CREDENTIAL,
    SignatureRefused,
)

AUTHORIZATION_HEADER = "Authorization"
TOKEN_HEADER = "X-Tmse-Token"  # noqa: S105 - a header name, not a secret


def verify_token(secret: str, authorization: str | None, token: str | None = None) -> None:
    """Return when the headers carry `secret` (compared in constant time); SignatureRefused
    otherwise."""
    if not secret:
        raise SignatureRefused(NOT_CONFIGURED, AUTHORIZATION_HEADER)
    if not authorization and not token:
        raise SignatureRefused(MISSING_CREDENTIAL, AUTHORIZATION_HEADER)
    if authorization:
        scheme, _, given = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise SignatureRefused(MALFORMED_AUTHORIZATION, AUTHORIZATION_HEADER)
        _compare(secret, given.strip(), AUTHORIZATION_HEADER)
    if token:
        _compare(secret, token, TOKEN_HEADER)


def _compare(secret: str, given: str, header: str) -> None:
    if not hmac.compare_digest(secret.encode("utf-8"), given.encode("utf-8", "surrogatepass")):
        raise SignatureRefused(WRONG_CREDENTIAL, header)
