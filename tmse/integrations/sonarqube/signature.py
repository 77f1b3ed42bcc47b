"""The X-Sonar-Webhook-HMAC-SHA256 header: the hex HMAC-SHA256 of the raw body, by the secret."""

from __future__ import annotations

import hashlib
import hmac

from tmse.integrations.sonarqube.errors import HEADER_MISMATCH, HEADER_MISSING, SignatureRefused

HEADER = "X-Sonar-Webhook-HMAC-SHA256"


def verify_signature(secret: bytes, body: bytes, header: str | None) -> None:
    """Refuse a delivery whose header is not the HMAC of exactly these body bytes (compared in
    constant time). With no secret configured the webhook is unsigned and nothing is checked."""
    if not secret:
        return
    received = (header or "").strip().lower()
    if not received:
        raise SignatureRefused(HEADER_MISSING, HEADER, header=HEADER)
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise SignatureRefused(HEADER_MISMATCH, HEADER, header=HEADER)
