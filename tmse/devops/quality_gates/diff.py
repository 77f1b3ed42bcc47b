"""Changed lines of a change: the added lines of each new file in a unified diff, or a plain
{path: [line, ...]} mapping. Pure: text or plain data in, {path: set of line numbers} out."""

from __future__ import annotations

import re
from collections.abc import Mapping

MAX_FILES = 20_000
MAX_LINES = 2_000_000
MAX_LINE_NUMBER = 10**8
MAX_PATH = 1_000

NOT_A_DIFF = "not a unified diff: no `+++` file header"
BAD_HUNK = "malformed hunk header: {header}"
HUNK_OUTSIDE_FILE = "hunk without a file header before it"
HUNK_TOO_LONG = "the hunk starting at new line {start} has more lines than its header says"
HUNK_TOO_SHORT = "the hunk starting at new line {start} ends before the lines its header says"
BAD_PATH = "file path {path} is empty, too long or holds control characters"
TOO_MANY_FILES = "more than {limit} files changed"
TOO_MANY_LINES = "more than {limit} changed lines"
NOT_AN_OBJECT = "changed lines must be an object of file path to line numbers, not {actual}"
NOT_A_LIST = "the lines of {path} must be a list of line numbers, not {actual}"
BAD_LINE = "line numbers of {path} must be whole numbers from 1 to {limit}, not {value}"

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class DiffError(ValueError):
    """Changed lines refused: a stable English text with parameters, and the diff line at fault."""

    def __init__(
        self, text: str, params: Mapping[str, object] | None = None, line: int | None = None
    ) -> None:
        self.text = text
        self.params: Mapping[str, object] = dict(params or {})
        self.line = line
        where = f"line {line}: " if line else ""
        super().__init__(where + text.format_map(dict(self.params)))


def changed_lines_from_diff(text: str) -> dict[str, set[int]]:
    """Each new file's added lines (`+++ b/path`); deleted files and pure removals add none."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    in_file = False
    new_line = old_left = new_left = 0
    hunk_start = 0
    count = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if old_left or new_left:
            if raw.startswith("\\"):  # "\ No newline at end of file"
                continue
            kind = raw[:1] or " "  # an empty line is an empty context line
            if kind == "+":
                new_left -= 1
                if current is not None:
                    current.add(new_line)
                    count += 1
                new_line += 1
            elif kind == "-":
                old_left -= 1
            elif kind == " ":
                old_left -= 1
                new_left -= 1
                new_line += 1
            else:
                raise DiffError(HUNK_TOO_SHORT, {"start": hunk_start}, number)
            if old_left < 0 or new_left < 0:
                raise DiffError(HUNK_TOO_LONG, {"start": hunk_start}, number)
            if count > MAX_LINES:
                raise DiffError(TOO_MANY_LINES, {"limit": MAX_LINES}, number)
            continue
        if raw.startswith("+++ "):
            current = _file_lines(changed, raw[4:], number)
            in_file = True
        elif raw.startswith("@@"):
            if not in_file:
                raise DiffError(HUNK_OUTSIDE_FILE, {}, number)
            match = _HUNK.match(raw)
            if match is None:
                raise DiffError(BAD_HUNK, {"header": raw[:80]}, number)
            old_left = int(match.group(1) or 1)
            new_line = hunk_start = int(match.group(2))
            new_left = int(match.group(3) or 1)
        elif raw.startswith(("diff ", "--- ")):  # the next file's headers
            current, in_file = None, False
    if old_left or new_left:
        raise DiffError(HUNK_TOO_SHORT, {"start": hunk_start})
    if not in_file and not changed:
        raise DiffError(NOT_A_DIFF)
    return {path: lines for path, lines in changed.items() if lines}


def _file_lines(changed: dict[str, set[int]], header: str, number: int) -> set[int] | None:
    """The set collecting a new file's added lines; None for `/dev/null` (a deleted file)."""
    path = header.split("\t", 1)[0].strip()
    if path.startswith('"') and path.endswith('"') and len(path) > 1:
        path = path[1:-1]
    if path == "/dev/null":
        return None
    path = path[2:] if path.startswith("b/") else path
    _check_path(path, number)
    if path not in changed and len(changed) >= MAX_FILES:
        raise DiffError(TOO_MANY_FILES, {"limit": MAX_FILES}, number)
    return changed.setdefault(path, set())


def changed_lines_from_mapping(data: object) -> dict[str, set[int]]:
    """A parsed JSON object {path: [line, ...]} checked: paths, whole line numbers, limits."""
    if not isinstance(data, dict):
        raise DiffError(NOT_AN_OBJECT, {"actual": type(data).__name__})
    if len(data) > MAX_FILES:
        raise DiffError(TOO_MANY_FILES, {"limit": MAX_FILES})
    changed: dict[str, set[int]] = {}
    count = 0
    for path, lines in data.items():
        _check_path(path, None)
        if not isinstance(lines, list):
            raise DiffError(NOT_A_LIST, {"path": path, "actual": type(lines).__name__})
        count += len(lines)
        if count > MAX_LINES:
            raise DiffError(TOO_MANY_LINES, {"limit": MAX_LINES})
        for value in lines:
            if isinstance(value, bool) or not isinstance(value, int):
                raise DiffError(BAD_LINE, _bad_line(path, value))
            if not 1 <= value <= MAX_LINE_NUMBER:
                raise DiffError(BAD_LINE, _bad_line(path, value))
        changed[path] = set(lines)
    return {path: lines for path, lines in changed.items() if lines}


def _bad_line(path: str, value: object) -> dict[str, object]:
    return {"path": path, "limit": MAX_LINE_NUMBER, "value": repr(value)[:40]}


def _check_path(path: object, number: int | None) -> None:
    text = path if isinstance(path, str) else ""
    if not text.strip() or len(text) > MAX_PATH or _CONTROL.search(text):
        raise DiffError(BAD_PATH, {"path": repr(path)[:80]}, number)
