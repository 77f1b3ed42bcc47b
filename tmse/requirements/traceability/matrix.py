"""The traceability matrix from plain rows: one row per path down the chain of levels, with
forward coverage, orphans and Suspect counts per level. No database, no HTTP."""

# Definitions (level L, next level L+1):
# - coverage: share of L's items with at least one link to an item of L+1 (none at the bottom);
# - orphans: items of L (below the top) that no item of L-1 links to, and that are not derived
#   (a link inside the level, e.g. requirement -derives-> requirement) from an item reached;
# - suspect: links leaving L's items — to L+1 or to a derived item of L — in state suspect.
# Invalid links (one end deleted) count as absent. Rows follow the items' given order; a path
# that stops early leaves blank (None) cells, and an orphan starts its rows at its own level.

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

SUSPECT = "suspect"
INVALID = "invalid"


# A link between two items: (source id, target id, state), source upstream.
Link = tuple[int, int, str]
# The links of the chain by step: (upper level, next level) for the links from one level to the
# next, (level, level) for links inside a level (parent → derived item). Other steps are ignored.
Links = Mapping[tuple[str, str], Iterable[Link]]


# A cell: (item id, state of the link into it along the path — None where the path starts,
# the item of the same level it is derived from — or None). Plain tuples: a large matrix has
# hundreds of thousands of them.
Cell = tuple[int, str | None, int | None]
ID: Final = 0
STATE: Final = 1
VIA: Final = 2


Row = tuple[Cell | None, ...]


@dataclass(frozen=True)
class LevelSummary:
    key: str
    count: int
    covered: int  # items with a link to the next level
    coverage: float | None  # percent, one decimal; None at the bottom or with no items
    orphans: int | None  # None at the top
    suspect: int


@dataclass
class Matrix:
    levels: list[str]
    summary: list[LevelSummary]
    total: int  # number of rows
    _starts: list[tuple[int, Cell, int]] = field(repr=False)  # (level, first cell, rows)
    _paths: _Paths = field(repr=False)

    def rows(self) -> Iterator[Row]:
        """Every row, top to bottom, one group (rows sharing a first cell) built at a time."""
        for level, cell, _count in self._starts:
            with collector_paused():
                group = self._paths.rows_from(level, cell, (None,) * level + (cell,))
            yield from group

    def page(self, offset: int, limit: int) -> list[Row]:
        """Rows offset .. offset+limit, building only the groups that overlap the page."""
        found: list[Row] = []
        position = 0
        for level, cell, count in self._starts:
            if position + count > offset:
                with collector_paused():
                    group = self._paths.rows_from(level, cell, (None,) * level + (cell,))
                found.extend(group[max(offset - position, 0) : offset + limit - position])
                if len(found) >= limit:
                    break
            position += count
        return found


class _Paths:
    """The paths below each item, worked out once per item and shared by every row above it."""

    def __init__(
        self, forward: list[dict[int, list[Cell]]], within: list[dict[int, list[Cell]]]
    ) -> None:
        self.forward, self.within = forward, within
        self.depth = len(forward)
        # Rows are joined from whole tails from this level down (tails of two cells or fewer).
        self.shared_from = max(self.depth - 3, 0)
        self._next: list[dict[int, list[Cell]]] = [{} for _ in range(self.depth)]
        self._derived: list[dict[int, list[Cell]]] = [{} for _ in range(self.depth)]
        self._tails: list[dict[int, list[Row]]] = [{} for _ in range(self.depth)]
        self._counts: list[dict[int, int]] = [{} for _ in range(self.depth)]

    def entries(self, level: int, cell: Cell) -> list[Cell]:
        """The cell itself and, after it, every item derived from it inside the level."""
        if not self.within[level]:
            return [cell]
        return [cell, *self.derived(level, cell[ID])]

    def derived(self, level: int, item: int) -> list[Cell]:
        known = self._derived[level].get(item)
        if known is None:
            known = []
            within = self.within[level]
            seen = {item}
            stack = [iter(within.get(item, ()))]
            while stack:  # depth first, each item once (derivation cycles end here)
                child = next(stack[-1], None)
                if child is None:
                    stack.pop()
                elif child[ID] not in seen:
                    seen.add(child[ID])
                    known.append(child)
                    stack.append(iter(within.get(child[ID], ())))
            self._derived[level][item] = known
        return known

    def next_cells(self, level: int, item: int) -> list[Cell]:
        """The cells of the level below that `item` leads to, derived items after their parent."""
        known = self._next[level].get(item)
        if known is None:
            targets = self.forward[level].get(item, [])
            if level + 1 < self.depth and self.within[level + 1]:
                known = []
                for cell in targets:
                    known.append(cell)
                    known.extend(self.derived(level + 1, cell[ID]))
            else:
                known = targets
            self._next[level][item] = known
        return known

    def tails(self, level: int, item: int) -> list[Row]:
        """The cells below `item` on each of its paths (one all-blank tail if it has none)."""
        known = self._tails[level].get(item)
        if known is None:
            below = level + 1
            cells = self.next_cells(level, item) if below < self.depth else []
            if not cells:
                known = [(None,) * (self.depth - below)]
            elif below == self.depth - 1:
                known = [(cell,) for cell in cells]
            else:
                known = []
                for cell in cells:
                    head = (cell,)
                    known.extend([head + tail for tail in self.tails(below, cell[ID])])
            self._tails[level][item] = known
        return known

    def rows_from(self, level: int, cell: Cell, prefix: Row) -> list[Row]:
        if level >= self.shared_from:
            return [prefix + tail for tail in self.tails(level, cell[ID])]
        found: list[Row] = []
        for below in self.next_cells(level, cell[ID]):
            found.extend(self.rows_from(level + 1, below, (*prefix, below)))
        return found or [prefix + (None,) * (self.depth - level - 1)]

    def count(self, level: int, item: int) -> int:
        known = self._counts[level].get(item)
        if known is None:
            below = level + 1
            cells = self.next_cells(level, item) if below < self.depth else []
            if below >= self.depth - 1:
                known = len(cells) or 1
            else:
                known = sum([self.count(below, cell[ID]) for cell in cells]) or 1
            self._counts[level][item] = known
        return known


@contextmanager
def collector_paused() -> Iterator[None]:
    """Build many small tuples without the cyclic collector scanning them over and over; they
    hold no cycles, so nothing is left for it to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_matrix(
    levels: Sequence[str],
    items: Mapping[str, Sequence[int]],
    links: Links,
    top: Sequence[int] | None = None,
) -> Matrix:
    """The matrix of `items` (level key → ids in display order) joined by `links`; `top` keeps
    only the paths from those top-level items (the summary then counts only what they reach)."""
    with collector_paused():
        return _build(list(levels), items, links, top)


def _build(
    levels: list[str], items: Mapping[str, Sequence[int]], links: Links, top: Sequence[int] | None
) -> Matrix:
    if top is not None:
        items, links = _reachable_from(levels, items, links, top)
    depth = len(levels)
    ranks = [{item: n for n, item in enumerate(items.get(key, ()))} for key in levels]
    forward, within, suspect = _adjacency(levels, ranks, links)

    summary = []
    reached_sets: list[set[int]] = []
    for index, key in enumerate(levels):
        count = len(ranks[index])
        covered = len(forward[index]) if index + 1 < depth else 0
        coverage = round(100 * covered / count, 1) if count and index + 1 < depth else None
        reached = _reached(forward[index - 1], within[index]) if index else set(ranks[0])
        reached_sets.append(reached)
        orphans = count - len(reached) if index else None
        summary.append(LevelSummary(key, count, covered, coverage, orphans, suspect[index]))

    paths = _Paths(forward, within)
    starts: list[tuple[int, Cell, int]] = []
    for index in range(depth):
        order = ranks[index]
        if index == 0:
            heads = list(order) if top is None else [t for t in top if t in order]
        else:
            heads = _orphan_heads(order, reached_sets[index], within[index])
        emitted: set[int] = set()
        for head in heads:
            if index and head in emitted:
                continue
            for cell in paths.entries(index, (head, None, None)):
                emitted.add(cell[ID])
                starts.append((index, cell, paths.count(index, cell[ID])))
    return Matrix(levels, summary, sum(s[2] for s in starts), starts, paths)


def _adjacency(
    levels: list[str], ranks: list[dict[int, int]], links: Links
) -> tuple[list[dict[int, list[Cell]]], list[dict[int, list[Cell]]], list[int]]:
    """Forward (level → next) and within-level links as cells in display order, and Suspect
    links per level; links to or from an item not in `items`, and invalid links, left out."""
    # One cell per pair of items, Suspect if any link between them is.
    depth = len(levels)
    forward: list[dict[int, list[Cell]]] = [{} for _ in range(depth)]
    within: list[dict[int, list[Cell]]] = [{} for _ in range(depth)]
    suspect = [0] * depth
    position = {key: index for index, key in enumerate(levels)}
    for (upper, lower), step_links in links.items():
        source, target = position.get(upper), position.get(lower)
        if source is None or target is None or target not in (source, source + 1):
            continue
        cells = within[source] if target == source else forward[source]
        suspect[source] += _step_cells(
            step_links, ranks[source], ranks[target], target == source, cells
        )
    return forward, within, suspect


def _step_cells(
    step_links: Iterable[Link],
    sources: dict[int, int],
    targets: dict[int, int],
    derived: bool,
    cells: dict[int, list[Cell]],
) -> int:
    """Fill `cells` (source → its targets as cells, in display order; two links to one target
    make one cell, Suspect if either is) and return the number of Suspect links."""
    grouped: defaultdict[int, list[Link]] = defaultdict(list)
    for link in step_links:  # the one pass over every link: as little as possible in it
        grouped[link[0]].append(link)
    suspects = 0
    for source_id, group in grouped.items():
        if source_id not in sources:
            continue
        parent = source_id if derived else None
        if len(group) == 1:
            _, target_id, state = group[0]
            if target_id in targets and state != INVALID:
                cells[source_id] = [(target_id, state, parent)]
                suspects += state == SUSPECT
            continue
        # "suspect" sorts before "valid": of two links to one target, a Suspect one comes first
        kept = sorted(
            [(targets[t], t, state) for _, t, state in group if t in targets and state != INVALID]
        )
        if not kept:
            continue
        suspects += sum(1 for entry in kept if entry[2] == SUSPECT)
        row: list[Cell] = []
        for _, target_id, state in kept:
            if not row or row[-1][ID] != target_id:
                row.append((target_id, state, parent))
        cells[source_id] = row
    return suspects


def _reached(from_above: dict[int, list[Cell]], within: dict[int, list[Cell]]) -> set[int]:
    """Items of a level linked from the level above, or derived from such an item."""
    reached = {cell[ID] for cells in from_above.values() for cell in cells}
    return _with_derived(reached, within)


def _with_derived(reached: set[int], within: dict[int, list[Cell]]) -> set[int]:
    """`reached` and every item derived from one of them, transitively (updated in place)."""
    stack = list(reached)
    while stack:
        for child in within.get(stack.pop(), ()):
            if child[ID] not in reached:
                reached.add(child[ID])
                stack.append(child[ID])
    return reached


def _orphan_heads(
    order: dict[int, int], reached: set[int], within: dict[int, list[Cell]]
) -> list[int]:
    """Orphans that start rows: those derived from no other item first, then any left over
    (a derivation cycle with no way in), each in display order."""
    orphans = [item for item in order if item not in reached]
    derived = {child[ID] for children in within.values() for child in children}
    roots = [item for item in orphans if item not in derived]
    return roots + [item for item in orphans if item in derived]


def _reachable_from(
    levels: list[str], items: Mapping[str, Sequence[int]], links: Links, top: Sequence[int]
) -> tuple[dict[str, list[int]], dict[tuple[str, str], list[Link]]]:
    """The items and links on the paths down from `top`."""
    ranks = [{item: n for n, item in enumerate(items.get(key, ()))} for key in levels]
    kept_links = {step: list(step_links) for step, step_links in links.items()}
    forward, within, _ = _adjacency(levels, ranks, kept_links)
    reached: dict[str, set[int]] = {}
    frontier = {t for t in top if t in ranks[0]}
    for index, key in enumerate(levels):
        reached[key] = _with_derived(frontier, within[index])
        frontier = {c[ID] for item in reached[key] for c in forward[index].get(item, ())}
    kept_items = {key: [i for i in items.get(key, ()) if i in reached[key]] for key in levels}
    for (upper, lower), step_links in kept_links.items():
        if upper in reached and lower in reached:
            sources, targets = reached[upper], reached[lower]
            step_links[:] = [
                link for link in step_links if link[0] in sources and link[1] in targets
            ]
    return kept_items, kept_links
