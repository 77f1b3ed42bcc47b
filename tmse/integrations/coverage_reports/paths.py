"""File paths as a diff names them: forward slashes, no `./`, relative to the repository."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:/")


def normalise_path(path: str) -> str:
    """`.\\src\\app.py`, `./src//app.py` and `src/lib/../app.py` all become `src/app.py`; a
    leading `..` stays (the file is outside the report's root)."""
    text = path.strip().replace("\\", "/")
    if not text:
        return ""
    text = posixpath.normpath(text)
    if text.startswith("//"):  # normpath keeps a leading double slash
        text = "/" + text.lstrip("/")
    return "" if text == "." else text


def is_absolute(path: str) -> bool:
    return path.startswith("/") or bool(WINDOWS_DRIVE.match(path))


def relative_to(path: str, root: str) -> str | None:
    """`path` below `root` (both normalised), or None when it is not below it."""
    prefix = root.rstrip("/") + "/"
    if WINDOWS_DRIVE.match(root):  # drive paths compare without case, as Windows does
        below = path.lower().startswith(prefix.lower())
    else:
        below = path.startswith(prefix)
    return path[len(prefix) :] if below else None


def repository_path(
    filename: str, sources: Sequence[str] = (), repository_root: str | None = None
) -> str:
    """A report's file name as a repository path: joined to the first source root that is
    relative or below `repository_root`, then made relative to that root."""
    name = normalise_path(filename)
    root = normalise_path(repository_root) if repository_root else None
    root = root or None
    if not is_absolute(name):
        for source in (normalise_path(source) for source in sources):
            if not is_absolute(source):
                return normalise_path(posixpath.join(source, name))
            if root is not None and relative_to(source, root) is not None:
                name = normalise_path(posixpath.join(source, name))
                break
    if root is not None and is_absolute(name):
        below = relative_to(name, root)
        if below:
            return below
    return name
