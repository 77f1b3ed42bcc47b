"""Descriptor files → drafts of tmse records and the problems each file shows on its own."""
# Pure: file texts in, plain drafts and issues out; nothing here knows the database.

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tmse.integrations.backstage.descriptors import Issue, parse_catalog
from tmse.integrations.backstage.mapping import Draft, draft_entity
from tmse.integrations.backstage.resolve import duplicates, group_cycles

Progress = Callable[[int, int], None]


@dataclass
class ParsedDescriptors:
    """Descriptor files parsed and checked on their own, before the database is touched."""

    files: list[str]
    size: int
    drafts: list[Draft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    memberships: dict[str, list[str]] = field(default_factory=dict)

    @property
    def work(self) -> int:
        """Progress units of a whole import: one per character parsed, as many again to write."""
        return 2 * max(1, self.size)


def descriptor_files(path: Path) -> dict[str, str]:
    """A file, or every *.yaml / *.yml under a folder that holds Backstage descriptors (others,
    such as the OpenAPI documents descriptors point at, are left alone), by relative path."""
    if path.is_file():
        return {path.name: path.read_text(encoding="utf-8")}
    found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    texts = {str(p.relative_to(path)): p.read_text(encoding="utf-8") for p in found}
    return {name: text for name, text in texts.items() if "backstage.io/" in text}


def parse_descriptors(files: dict[str, str], progress: Progress | None = None) -> ParsedDescriptors:
    """Every file parsed and drafted, with the problems a file shows on its own (syntax, fields,
    duplicates, group cycles). Needs no database: run it before the write transaction."""
    parsed = ParsedDescriptors(sorted(files), sum(len(text) for text in files.values()))
    tick = ticker(progress, parsed.work)
    with collector_paused():
        for name in parsed.files:
            catalog = parse_catalog(files[name], name)
            parsed.issues += catalog.issues
            parsed.skipped += catalog.skipped
            parsed.memberships.update(catalog.memberships)
            for entity in catalog.entities:
                draft, problems = draft_entity(entity)
                parsed.drafts.append(draft)
                parsed.issues += problems
            tick(len(files[name]))
        parsed.issues += duplicates(parsed.drafts) + group_cycles(parsed.drafts)
    return parsed


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector: parsing builds millions of short-lived objects it would scan."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def ticker(progress: Progress | None, total: int, done: int = 0) -> Callable[[int], None]:
    """A step counter that reports `done` of `total` to `progress`, never past the total."""

    def tick(step: int) -> None:
        nonlocal done
        done = min(total, done + step)
        if progress is not None:
            progress(done, total)

    return tick
