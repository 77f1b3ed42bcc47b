"""The Authorization header a Harbor webhook policy sends, checked against the configured one."""

from __future__ import annotations

import hmac

from tmse.integrations.harbor.errors import HEADER_MISMATCH, HEADER_MISSING, SignatureRefused

HEADER = "Authorization"


def verify_auth(secret: str, header: str | None) -> None:
    """Refuse a delivery whose Authorization header is not the policy's auth header (compared
    in constant time). An empty `secret` means the policy sends none, and nothing is checked."""
    # Harbor signs nothing: the header configured on the webhook policy is the only proof.
    if not secret:
        return
    received = (header or "").strip()
    if not received:
        raise SignatureRefused(HEADER_MISSING, HEADER, header=HEADER)
    if not hmac.compare_digest(received.encode(), secret.strip().encode()):
        raise SignatureRefused(HEADER_MISMATCH, HEADER, header=HEADER)
