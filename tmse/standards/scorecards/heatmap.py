"""The organisation heat map: teams × standards, each cell the pass rate of its rule results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    row: str  # team (or system / layer) name
    standard: str
    passed: int
    total: int
    services: int

    @property
    def rate(self) -> float:
        """Percentage of rule results that passed, one decimal."""
        return round(100 * self.passed / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class HeatMap:
    rows: list[str]
    standards: list[str]
    cells: list[Cell]


def heat_map(services: Iterable[tuple[str, Mapping[str, Sequence[int]]]]) -> HeatMap:
    """Sum each service's `{standard: [passed, total]}` into its row's cells, sorted by name."""
    # A cell pools rule results, so a service checked by more rules weighs more, as in a pass
    # rate over the team's whole portfolio.
    sums: dict[tuple[str, str], list[int]] = {}
    for row, counts in services:
        for standard, (passed, total) in counts.items():
            cell = sums.setdefault((row, standard), [0, 0, 0])
            cell[0] += int(passed)
            cell[1] += int(total)
            cell[2] += 1
    rows = sorted({row for row, _ in sums})
    standards = sorted({standard for _, standard in sums})
    cells = [
        Cell(row, standard, passed, total, count)
        for (row, standard), (passed, total, count) in sorted(sums.items())
    ]
    return HeatMap(rows, standards, cells)
