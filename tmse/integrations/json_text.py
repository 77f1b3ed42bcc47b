"""JSON text read by hand (not by FastAPI): a syntax error names its line and column, and a
document nesting deeper than MAX_DEPTH is refused rather than overflowing a stack later."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 200


class JsonRefused(ValueError):
    """Why a JSON text is refused, with the 1-based line and column it concerns."""

    def __init__(
        self, message: str, line: int = 1, column: int = 1, *, too_deep: bool = False
    ) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.too_deep = too_deep


def load_json(text: str | bytes) -> Any:
    """The data of a JSON text; JsonRefused when it is malformed or nests too deeply."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonRefused(error.msg, error.lineno, error.colno) from None
    except UnicodeDecodeError as error:
        raise JsonRefused(f"not UTF-8 text ({error.reason})") from None
    except ValueError as error:  # a number with more digits than Python reads
        raise JsonRefused(str(error)) from None
    except RecursionError:
        raise JsonRefused(f"nesting deeper than {MAX_DEPTH} levels", too_deep=True) from None
    if nesting_depth(data) > MAX_DEPTH:
        raise JsonRefused(f"nesting deeper than {MAX_DEPTH} levels", too_deep=True)
    return data


def line_and_column(text: str, position: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, as json.JSONDecodeError counts them."""
    line = text.count("\n", 0, position) + 1
    return line, position - text.rfind("\n", 0, position)


def nesting_depth(data: Any) -> int:
    """How many lists and objects deep the data goes (a scalar is 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level + 1)
            if deepest > MAX_DEPTH:
                return deepest
            pending.extend((item, level + 1) for item in value)
    return deepest
