"""Words in path segments and operation ids: splitting, plurals, kebab-case and camelCase."""

from __future__ import annotations

import re

_WORD_BOUNDARY = re.compile(r"[-_.]|(?<=[a-z0-9])(?=[A-Z])")


def is_parameter(segment: str) -> bool:
    """True for a `{parameter}` path segment."""
    return segment.startswith("{") and segment.endswith("}")


def words(segment: str) -> list[str]:
    """The lower-case words of a segment split at '-', '_', '.' and camelCase humps."""
    return [word.lower() for word in _WORD_BOUNDARY.split(segment) if word] or [""]


def looks_plural(word: str, irregular: frozenset[str]) -> bool:
    """True when the word reads as a plural (or is listed as one)."""
    # "status" and "address" end in s but are singular; "statuses"/"addresses" pass.
    if word in irregular:
        return True
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def plural(segment: str) -> str:
    """An English plural of the segment, for a fix hint."""
    if segment.endswith(("s", "x", "ch", "sh")):
        return segment + "es"
    if segment.endswith("y") and segment[-2:-1] not in "aeiou":
        return segment[:-1] + "ies"
    return segment + "s"


def kebab(segment: str) -> str:
    """The segment in kebab-case."""
    return "-".join(words(segment))


def camel(text: str) -> str:
    """The text in camelCase, dropping characters a URL cannot carry."""
    first, *rest = [word for word in re.split(r"[^A-Za-z0-9]+", text) if word] or ["x"]
    return first + "".join(word[:1].upper() + word[1:] for word in rest)
