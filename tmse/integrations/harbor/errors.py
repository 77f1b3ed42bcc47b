"""Why a Harbor delivery is refused: a stable message text, its parameters, the field at fault."""

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
BAD_EPOCH = "{value} is not a time in seconds since 1970"
BAD_TIMESTAMP = "{value} is not an RFC 3339 time with a zone"
BAD_DIGEST = "{value} is not a digest of the form algorithm:hex"
NEGATIVE = "{value} is negative"
OUT_OF_RANGE = "{value} is larger than {limit}"
NOT_ONE_OF = "{value} is not one of {choices}"
HEADER_MISSING = "the {header} header is missing"
HEADER_MISMATCH = "the {header} header does not match the configured secret"


class DeliveryRefused(ValueError):
    """A delivery that yields no facts: `text` (a message id) with `params`, about `field`."""

    def __init__(self, text: str, field: str, **params: Any) -> None:
        self.text = text
        self.params: Mapping[str, Any] = params
        self.field = field
        super().__init__(f"{field}: {text.format(**params)}")


class SignatureRefused(DeliveryRefused):
    """A delivery whose Authorization header does not prove it came from the configured policy."""
