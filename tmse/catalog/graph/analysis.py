"""Dependency-graph analytics: cycles, blast radius, orphans and single points of failure."""
# Pure: plain data in, plain results out. An edge (source, target) means source depends on target.

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """A service or data store: its unique name, its layer (None when unset) and owner."""

    name: str
    layer: str | None = None
    owner: str | None = None


class Graph:
    """An immutable dependency graph; nodes are indexed in name order so every result is stable."""

    def __init__(self, nodes: Iterable[Node], edges: Iterable[tuple[str, str]]) -> None:
        by_name: dict[str, Node] = {}
        for node in nodes:
            if node.name in by_name:
                raise ValueError(f"duplicate node {node.name!r}")
            by_name[node.name] = node
        self.names: list[str] = sorted(by_name)
        self.nodes: dict[str, Node] = {name: by_name[name] for name in self.names}
        self.index: dict[str, int] = {name: i for i, name in enumerate(self.names)}
        index = self.index
        edges = edges if isinstance(edges, list | tuple) else list(edges)
        try:
            pairs = {(index[source], index[target]) for source, target in edges}
        except KeyError:
            for source, target in edges:
                for name in (source, target):
                    if name not in index:
                        raise ValueError(
                            f"edge {source!r} -> {target!r} names unknown node {name!r}"
                        ) from None
            raise
        # Integer adjacency lists, each sorted, keep the traversals fast and deterministic.
        self.successors: list[list[int]] = [[] for _ in self.names]
        self.predecessors: list[list[int]] = [[] for _ in self.names]
        for source_index, target_index in pairs:
            self.successors[source_index].append(target_index)
            self.predecessors[target_index].append(source_index)
        for adjacent in (self.successors, self.predecessors):
            for indices in adjacent:
                indices.sort()

    @classmethod
    def from_layers(
        cls,
        layers: dict[str, str | None],
        edges: Iterable[tuple[str, str]],
        owners: dict[str, str] | None = None,
    ) -> Graph:
        """Build from a name → layer mapping and an optional name → owner mapping."""
        owners = owners or {}
        return cls((Node(name, layer, owners.get(name)) for name, layer in layers.items()), edges)

    def edges(self) -> list[tuple[str, str]]:
        """Every edge as (source, target) names, sorted."""
        return [
            (self.names[source], self.names[target])
            for source, targets in enumerate(self.successors)
            for target in targets
        ]


def strongly_connected_components(graph: Graph) -> list[list[int]]:
    """Tarjan's components as lists of node indices; iterative, so deep graphs cannot overflow."""
    count = len(graph.names)
    order = [-1] * count  # discovery number; -1 = not yet visited
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        # Each frame is (node, position of the next successor to look at).
        work: list[tuple[int, int]] = [(root, 0)]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, position = work[-1]
            successors = graph.successors[node]
            if position < len(successors):
                work[-1] = (node, position + 1)
                child = successors[position]
                if order[child] == -1:
                    order[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack[child] = True
                    work.append((child, 0))
                elif on_stack[child] and order[child] < low[node]:
                    low[node] = order[child]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == order[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def cycles(graph: Graph) -> list[list[str]]:
    """Each dependency cycle (a component of ≥ 2 nodes, or a self-loop), sorted by first name."""
    # A cycle lists its members in the order a depth-first walk from the smallest name meets them,
    # so a simple cycle reads as its path (a → c → b → a gives [a, c, b]).
    found: list[list[str]] = []
    for component in strongly_connected_components(graph):
        if len(component) == 1 and component[0] not in graph.successors[component[0]]:
            continue
        members = set(component)
        start = min(component)
        walk: list[int] = []
        seen = {start}
        pending = [start]
        while pending:
            node = pending.pop()
            walk.append(node)
            # Reversed so the smallest successor is walked first.
            for child in reversed(graph.successors[node]):
                if child in members and child not in seen:
                    seen.add(child)
                    pending.append(child)
        found.append([graph.names[node] for node in walk])
    return sorted(found)


def blast_radius(graph: Graph, name: str) -> list[str]:
    """Every node that depends on `name`, directly or transitively, excluding itself; sorted."""
    start = graph.index[name]
    seen = [False] * len(graph.names)
    seen[start] = True
    queue = deque([start])
    while queue:
        for dependent in graph.predecessors[queue.popleft()]:
            if not seen[dependent]:
                seen[dependent] = True
                queue.append(dependent)
    seen[start] = False
    return [graph.names[i] for i, hit in enumerate(seen) if hit]


def blast_radius_owners(graph: Graph, name: str) -> list[tuple[str, str | None]]:
    """The blast radius of `name` as (node, owner) pairs, sorted by node name."""
    return [(node, graph.nodes[node].owner) for node in blast_radius(graph, name)]


def orphans(graph: Graph) -> list[str]:
    """Nodes with no edge in or out, sorted."""
    return [
        graph.names[i]
        for i in range(len(graph.names))
        if not graph.successors[i] and not graph.predecessors[i]
    ]


def single_points_of_failure(graph: Graph, min_dependents: int = 2) -> list[str]:
    """Shared nodes that are the only link between parts of the graph, sorted."""
    # A node is reported when it is an articulation point of the undirected view (removing it
    # splits its connected component) and at least `min_dependents` nodes depend on it directly.
    # A plain chain link with one dependent is just a dependency, so it is not reported.
    count = len(graph.names)
    neighbours = [
        sorted(set(graph.successors[i]).union(graph.predecessors[i]) - {i}) for i in range(count)
    ]
    order = [-1] * count
    low = [0] * count
    articulation = [False] * count
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        root_children = 0
        # Each frame is (node, its DFS parent or -1, position of the next neighbour).
        work: list[tuple[int, int, int]] = [(root, -1, 0)]
        while work:
            node, parent, position = work[-1]
            if position < len(neighbours[node]):
                work[-1] = (node, parent, position + 1)
                child = neighbours[node][position]
                if order[child] == -1:
                    order[child] = low[child] = counter
                    counter += 1
                    if node == root:
                        root_children += 1
                    work.append((child, node, 0))
                elif child != parent and order[child] < low[node]:
                    low[node] = order[child]
                continue
            work.pop()
            if parent != -1:
                if low[node] < low[parent]:
                    low[parent] = low[node]
                # A non-root parent is a cut vertex when this subtree cannot reach above it.
                if parent != root and low[node] >= order[parent]:
                    articulation[parent] = True
        if root_children >= 2:
            articulation[root] = True
    return [
        graph.names[i]
        for i in range(count)
        if articulation[i]
        and sum(1 for dependent in graph.predecessors[i] if dependent != i) >= min_dependents
    ]
