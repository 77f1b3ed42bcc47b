"""The JSON parser's English reasons for refusing a line, as msgids a log finding can show."""

from __future__ import annotations

from collections.abc import Mapping

from tmse.core.messages import N_, Message

# json.JSONDecodeError.msg texts (CPython's json module); anything else is shown as written.
_REASONS: Mapping[str, str] = {
    "Expecting value": N_("a value was expected"),
    "Extra data": N_("extra data after the value"),
    "Expecting ',' delimiter": N_("a comma was expected"),
    "Expecting ':' delimiter": N_("a colon was expected"),
    "Expecting property name enclosed in double quotes": N_(
        "a property name in double quotes was expected"
    ),
    "Unterminated string starting at": N_("a string is not closed"),
    "Invalid control character at": N_("a control character inside a string"),
    "Invalid \\escape": N_("an invalid escape sequence"),
    "Illegal trailing comma before end of object": N_("a trailing comma before the closing brace"),
    "Illegal trailing comma before end of array": N_("a trailing comma before the closing bracket"),
}


def parse_problem(reason: str) -> Message | str:
    """The parser's reason as a message when it is one of the known ones."""
    known = _REASONS.get(reason)
    return Message(known) if known else reason
