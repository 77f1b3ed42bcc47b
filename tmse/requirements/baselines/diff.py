"""Differences between two snapshots: pure, plain data in and out."""

# Requirements are matched by id. A requirement is added when only the newer side holds it,
# removed when only the older side does, changed when a field (other than the bookkeeping ones)
# or a link differs. Links are matched by (direction, link type, other end); a link whose state
# alone differs is listed under links_changed.

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tmse.requirements.baselines.snapshot import SnapshotItem, link_key

# Columns that change on every save and say nothing about the requirement itself.
IGNORED_FIELDS: frozenset[str] = frozenset({"version", "updated_at"})


@dataclass(frozen=True)
class Change:
    requirement_id: int
    title: str
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    links_added: list[dict[str, Any]] = field(default_factory=list)
    links_removed: list[dict[str, Any]] = field(default_factory=list)
    links_changed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requirement_id": self.requirement_id,
            "title": self.title,
            "fields": self.fields,
            "links_added": self.links_added,
            "links_removed": self.links_removed,
            "links_changed": self.links_changed,
        }


@dataclass(frozen=True)
class Diff:
    added: list[SnapshotItem]
    removed: list[SnapshotItem]
    changed: list[Change]
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [_summary(item) for item in self.added],
            "removed": [_summary(item) for item in self.removed],
            "changed": [change.as_dict() for change in self.changed],
            "unchanged": self.unchanged,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
            },
        }


def _summary(item: SnapshotItem) -> dict[str, Any]:
    return {
        "requirement_id": item.requirement_id,
        "title": item.title,
        "status": item.fields.get("status"),
    }


def diff_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], ignored: frozenset[str] = IGNORED_FIELDS
) -> dict[str, dict[str, Any]]:
    """{field: {"before", "after"}} for every field that differs; a missing field is None."""
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(set(before) | set(after)):
        if name in ignored:
            continue
        old, new = before.get(name), after.get(name)
        # 5 and 5.0 are the same number; True and 1 are not the same value.
        if old == new and isinstance(old, bool) == isinstance(new, bool):
            continue
        changes[name] = {"before": old, "after": new}
    return changes


def _no_bool_numbers(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal dicts are the same unless a True stands where a 1 stood (Python calls them equal)."""
    return not any(
        isinstance(value, bool) != isinstance(b.get(key), bool) for key, value in a.items()
    )


def diff_links(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(added, removed, state changed) links, each sorted by direction, type and other end."""
    old = {link_key(dict(link)): dict(link) for link in before}
    new = {link_key(dict(link)): dict(link) for link in after}
    added = [new[key] for key in sorted(new.keys() - old.keys())]
    removed = [old[key] for key in sorted(old.keys() - new.keys())]
    changed = [
        new[key] | {"state_before": old[key].get("state"), "state_after": new[key].get("state")}
        for key in sorted(old.keys() & new.keys())
        if old[key].get("state") != new[key].get("state")
    ]
    return added, removed, changed


def diff(
    before: Iterable[SnapshotItem],
    after: Iterable[SnapshotItem],
    ignored: frozenset[str] = IGNORED_FIELDS,
) -> Diff:
    """What changed from `before` (the older snapshot) to `after`."""
    old = {item.requirement_id: item for item in before}
    new = {item.requirement_id: item for item in after}
    added = [new[rid] for rid in sorted(new.keys() - old.keys())]
    removed = [old[rid] for rid in sorted(old.keys() - new.keys())]
    changed: list[Change] = []
    unchanged = 0
    for rid in sorted(old.keys() & new.keys()):
        a, b = old[rid], new[rid]
        if a.fields == b.fields and a.links == b.links and _no_bool_numbers(a.fields, b.fields):
            unchanged += 1
            continue
        fields = diff_fields(a.fields, b.fields, ignored)
        links_added, links_removed, links_changed = diff_links(a.links, b.links)
        if fields or links_added or links_removed or links_changed:
            changed.append(
                Change(rid, b.title or a.title, fields, links_added, links_removed, links_changed)
            )
        else:
            unchanged += 1
    return Diff(added, removed, changed, unchanged)
