"""GitHub's webhook signature: X-Hub-Signature-256, an HMAC-SHA256 of the raw body."""

from __future__ import annotations

import hashlib
import hmac
import re

from tmse.integrations.cicd_events.refusals import (
    MALFORMED_SIGNATURE,
    MISSING_SIGNATURE,
    NOT_CONFIGURED,
    WRONG_SIGNATURE,
    SignatureRefused,
)

SIGNATURE_HEADER = "X-Hub-Signature-256"
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")


def verify_signature(secret: bytes, body: bytes, header: str | None) -> None:
    """Return when `header` signs `body` with `secret`; SignatureRefused otherwise."""
    if not secret:
        raise SignatureRefused(NOT_CONFIGURED, SIGNATURE_HEADER)
    if header is None or not header.strip():
        raise SignatureRefused(MISSING_SIGNATURE, SIGNATURE_HEADER)
    match = _SIGNATURE.fullmatch(header.strip())
    if match is None:
        raise SignatureRefused(MALFORMED_SIGNATURE, SIGNATURE_HEADER)
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), match.group(1).lower().encode("ascii")):
        raise SignatureRefused(WRONG_SIGNATURE, SIGNATURE_HEADER)
