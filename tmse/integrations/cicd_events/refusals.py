"""Why a delivery is turned away: a malformed body, or a failed signature or token check."""
# Message texts are fixed and their values travel beside them as parameters, so a page can
# translate them (`Message(error.message, error.params)`); `field` is the dotted path at fault.

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BODY_TOO_LARGE = "the delivery is larger than {limit} bytes"
NOT_JSON = "the delivery is not JSON: {reason}"
NOT_UTF8 = "the delivery is not UTF-8 text"
TOO_DEEP = "the delivery nests deeper than {limit} levels"
MISSING = "a required field is missing"
WRONG_TYPE = "expected {expected}, found {found}"
EMPTY_TEXT = "the text is empty"
TEXT_TOO_LONG = "the text is longer than {limit} characters"
CONTROL_CHARACTER = "control characters are not allowed here"
NOT_A_DATE = "not a date and time with a time zone: {value}"
OUT_OF_RANGE = "the number {value} is out of range"
UNKNOWN_VALUE = "unknown value: {value}"
NOT_A_COMMIT = "not a commit id: {value}"
MISMATCHED_EVENT = "the payload is a {found} event, not {expected}"

NOT_CONFIGURED = "no secret is configured for this source"
MISSING_SIGNATURE = "the signature header is missing"
MALFORMED_SIGNATURE = "the signature header is not of the form sha256=<64 hex digits>"
MALFORMED_AUTHORIZATION = "the Authorization header is not of the form Bearer <token>"
WRONG_SIGNATURE = "the signature does not match the body"
MISSING_CREDENTIAL = "the token header is missing"
WRONG_CREDENTIAL = "the token does not match"


class DeliveryRefused(ValueError):
    """A delivery whose body cannot be read as its source's payload; nothing of it is stored."""

    def __init__(self, message: str, field: str, **params: Any) -> None:
        self.message = message
        self.field = field
        self.params: Mapping[str, Any] = params
        super().__init__(f"{field}: {message.format(**params)}")


class SignatureRefused(ValueError):
    """A delivery that does not prove it comes from the configured source."""

    def __init__(self, message: str, header: str, **params: Any) -> None:
        self.message = message
        self.header = header
        self.params: Mapping[str, Any] = params
        super().__init__(f"{header}: {message.format(**params)}")
