"""Why a SonarQube delivery is refused: a stable message text, its parameters, the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Texts are fixed so a page can translate them; the parameters travel beside them.
BODY_TOO_LARGE = "the body is {size} bytes, more than the limit of {limit}"
NOT_JSON = "the body is not JSON: {reason}"
MISSING = "required field is missing"
WRONG_TYPE = "expected {expected}, found {found}"
EMPTY = "must not be empty"
TOO_LONG = "longer than {limit} characters"
TOO_MANY = "more than {limit} entries"
CONTROL_CHARACTER = "control characters are not allowed"
BAD_PATTERN = "{value} is not a valid {kind}"
BAD_TIMESTAMP = "{value} is not an ISO 8601 time with a zone"
NOT_ONE_OF = "{value} is not one of {choices}"
NOT_ANALYSIS_PROPERTY = "{value} is not a sonar.analysis.* property"
NO_NATURAL_KEY = "a delivery without taskId needs analysedAt or changedAt"
HEADER_MISSING = "the {header} header is missing"
HEADER_MISMATCH = "the {header} header does not match the body and the configured secret"


class DeliveryRefused(ValueError):
    """A delivery that yields no fact: `text` (a message id) with `params`, about `field`."""

    def __init__(self, text: str, field: str, **params: Any) -> None:
        self.text = text
        self.params: Mapping[str, Any] = params
        self.field = field
        super().__init__(f"{field}: {text.format(**params)}")


class SignatureRefused(DeliveryRefused):
    """A delivery whose HMAC header does not prove it was signed with the configured secret."""
