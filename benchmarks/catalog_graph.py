"""Dependency-graph analytics on a random layered graph of 10,000 services and 50,000 edges.

Prints the time of graph construction, cycle detection, the layering check, blast radius,
orphans and single points of failure; writes benchmarks/results/catalog_graph.json.
Targets: one blast radius ≤ 100 ms; cycles + layering check together ≤ 1 s. Exit status 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table

from tmse.catalog.graph.analysis import (
    Graph,
    Node,
    blast_radius,
    cycles,
    orphans,
    single_points_of_failure,
)
from tmse.catalog.graph.layers import DEFAULT_LAYERS, layer_violations

RESULTS = Path(__file__).resolve().parent / "results"
BLAST_RADIUS_MS, CYCLES_AND_LAYERS_MS = 100.0, 1000.0
console = Console(width=None if sys.stdout.isatty() else 120)
T = TypeVar("T")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=50_000)
    parser.add_argument("--stray", type=float, default=0.01, help="share of rule-breaking edges")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--output", type=Path, default=RESULTS / "catalog_graph.json")
    return parser.parse_args()


def layered_graph(services: int, edges: int, stray: float, seed: int) -> Graph:
    """Services spread over the default layers; most edges go one layer down or stay within a
    layer in index order (no cycle), a `stray` share goes anywhere (cycles, upward, skipping)."""
    rng = random.Random(seed)
    layer_of = [DEFAULT_LAYERS[i * len(DEFAULT_LAYERS) // services] for i in range(services)]
    members: dict[str, list[int]] = {layer: [] for layer in DEFAULT_LAYERS}
    for i, layer in enumerate(layer_of):
        members[layer].append(i)
    rank = {layer: i for i, layer in enumerate(DEFAULT_LAYERS)}
    nodes = [Node(f"svc-{i:05}", layer_of[i], f"team-{i % 97}") for i in range(services)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        source = rng.randrange(services)
        if rng.random() < stray:
            target = rng.randrange(services)
        else:
            position = rank[layer_of[source]]
            below = DEFAULT_LAYERS[min(position + 1, len(DEFAULT_LAYERS) - 1)]
            if rng.random() < 0.7 and below != layer_of[source]:
                target = rng.choice(members[below])
            else:
                target = rng.choice(members[layer_of[source]])
                source, target = min(source, target), max(source, target)
        if source != target:
            pairs.add((source, target))
    return Graph(nodes, ((nodes[s].name, nodes[t].name) for s, t in pairs))


def timed(function: Callable[[], T], repeat: int = 5) -> tuple[float, T]:
    """Best wall time of `repeat` runs in milliseconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, (time.perf_counter() - start) * 1000)
    assert result is not None
    return best, result


def main() -> int:
    options = arguments()
    build_ms, graph = timed(
        lambda: layered_graph(options.services, options.edges, options.stray, options.seed), 1
    )
    construct_ms, _ = timed(lambda: Graph(graph.nodes.values(), graph.edges()), 3)
    cycles_ms, found = timed(lambda: cycles(graph))
    layers_ms, violations = timed(lambda: layer_violations(graph))
    # The most-depended-on infrastructure service: the widest blast radius of a leaf.
    target = max(
        (name for name in graph.names if graph.nodes[name].layer == DEFAULT_LAYERS[-1]),
        key=lambda name: len(graph.predecessors[graph.index[name]]),
    )
    blast_ms, radius = timed(lambda: blast_radius(graph, target))
    sample = random.Random(options.seed).sample(graph.names, 50)
    worst_blast_ms = max(
        timed(lambda name=name: blast_radius(graph, name), 1)[0] for name in sample
    )
    orphans_ms, lonely = timed(lambda: orphans(graph))
    spof_ms, spofs = timed(lambda: single_points_of_failure(graph), 3)

    rows: list[tuple[str, float, str]] = [
        ("generate random graph (incl. construction)", build_ms, ""),
        (
            "Graph construction",
            construct_ms,
            f"{len(graph.names):,} nodes, {sum(map(len, graph.successors)):,} edges",
        ),
        ("cycles", cycles_ms, f"{len(found)} cycles, largest {max(map(len, found), default=0):,}"),
        ("layer check", layers_ms, f"{len(violations):,} violations"),
        ("cycles + layer check", cycles_ms + layers_ms, f"target ≤ {CYCLES_AND_LAYERS_MS:.0f} ms"),
        (
            f"blast radius of {target}",
            blast_ms,
            f"{len(radius):,} dependents; target ≤ {BLAST_RADIUS_MS:.0f} ms",
        ),
        ("blast radius, worst of 50 random services", worst_blast_ms, "single run each"),
        ("orphans", orphans_ms, f"{len(lonely)} orphans"),
        ("single points of failure", spof_ms, f"{len(spofs)} found"),
    ]
    table = Table(title="Dependency-graph analytics (best of 5 unless noted)")
    table.add_column("operation")
    table.add_column("ms", justify="right")
    table.add_column("detail")
    for name, ms, detail in rows:
        table.add_row(name, f"{ms:.1f}", detail)
    console.print(table)

    met = blast_ms <= BLAST_RADIUS_MS and cycles_ms + layers_ms <= CYCLES_AND_LAYERS_MS
    report: dict[str, Any] = {
        "services": options.services,
        "edges": options.edges,
        "seed": options.seed,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "timings_ms": {name: round(ms, 2) for name, ms, _ in rows},
        "targets_met": met,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2) + "\n")
    console.print("targets met" if met else "[red]target missed[/red]")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
