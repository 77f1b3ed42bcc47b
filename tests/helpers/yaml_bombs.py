"""YAML documents that expand exponentially through aliases (billion laughs)."""

from __future__ import annotations

LAUGHS = ", ".join(["lol"] * 9)


# Nine levels of nine aliases each: 342 bytes that expand to 9**9 (387 million) strings.
ALIAS_BOMB = (
    "a: &a ["
    + LAUGHS
    + "]\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


MERGE_BOMB = "a: &a {x: 1, y: 2}\n" + "".join(
    f"{name}: &{name} {{{', '.join(f'k{i}: *{prev}' for i in range(10))}}}\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)
