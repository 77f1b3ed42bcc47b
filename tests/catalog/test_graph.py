"""Dependency-graph analytics: hand-computed cases and properties checked by brute force."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmse.catalog.graph.analysis import (
    Graph,
    Node,
    blast_radius,
    blast_radius_owners,
    cycles,
    orphans,
    single_points_of_failure,
)
from tmse.catalog.graph.layers import LayerRules, Violation, layer_violations


def graph_of(edges: list[tuple[str, str]], *extra: str) -> Graph:
    names = {name for edge in edges for name in edge} | set(extra)
    return Graph((Node(name) for name in names), edges)


# Diamond: a depends on b and c, both depend on d.
DIAMOND = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]


def test_diamond_has_no_cycle_and_its_blast_radius_is_everything_above() -> None:
    graph = graph_of(DIAMOND)
    assert cycles(graph) == []
    assert blast_radius(graph, "d") == ["a", "b", "c"]
    assert blast_radius(graph, "b") == ["a"]
    assert blast_radius(graph, "a") == []


def test_cycle_of_three_reads_as_its_path() -> None:
    graph = graph_of([("a", "c"), ("c", "b"), ("b", "a"), ("b", "z")])
    assert cycles(graph) == [["a", "c", "b"]]
    # Every member of a cycle is in the blast radius of every other member.
    assert blast_radius(graph, "a") == ["b", "c"]
    assert blast_radius(graph, "z") == ["a", "b", "c"]


def test_self_loop_is_a_cycle_but_not_its_own_blast_radius() -> None:
    graph = graph_of([("a", "a"), ("b", "a")])
    assert cycles(graph) == [["a"]]
    assert blast_radius(graph, "a") == ["b"]
    assert orphans(graph) == []


def test_two_disjoint_cycles_come_sorted() -> None:
    graph = graph_of([("y", "x"), ("x", "y"), ("c", "d"), ("d", "e"), ("e", "c"), ("e", "x")])
    assert cycles(graph) == [["c", "d", "e"], ["x", "y"]]


def test_blast_radius_owners_pairs_each_dependent_with_its_owner() -> None:
    graph = Graph(
        [Node("db", "data", "dba"), Node("api", "business", "core"), Node("web", "frontend")],
        [("web", "api"), ("api", "db")],
    )
    assert blast_radius_owners(graph, "db") == [("api", "core"), ("web", None)]


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown node"):
        Graph([Node("a")], [("a", "b")])
    with pytest.raises(ValueError, match="duplicate"):
        Graph([Node("a"), Node("a")], [])
    with pytest.raises(KeyError):
        blast_radius(graph_of([]), "missing")


def test_orphans_have_no_edge_either_way() -> None:
    assert orphans(graph_of([("a", "b")], "lonely", "alone")) == ["alone", "lonely"]


def test_shared_hub_is_a_single_point_of_failure() -> None:
    # Two frontends reach two back ends only through the gateway.
    hub = [("web", "gw"), ("app", "gw"), ("gw", "orders"), ("gw", "users")]
    assert single_points_of_failure(graph_of(hub)) == ["gw"]
    # Once the frontends also reach the back ends directly, gw no longer holds them together.
    graph = graph_of([*hub, ("web", "orders"), ("web", "users"), ("app", "users")])
    assert single_points_of_failure(graph) == []
    # e reaches the diamond only through b, f only through c; each is shared by two dependents.
    graph = graph_of([*DIAMOND, ("e", "b"), ("f", "c")])
    assert single_points_of_failure(graph) == ["b", "c"]


def test_chain_links_with_one_dependent_are_not_reported() -> None:
    graph = graph_of([("a", "b"), ("b", "c"), ("c", "d")])
    assert single_points_of_failure(graph) == []
    assert single_points_of_failure(graph, min_dependents=1) == ["b", "c"]


def test_shared_data_store_bridging_two_services_is_reported() -> None:
    graph = graph_of([("orders", "db"), ("billing", "db"), ("orders", "cache")])
    assert single_points_of_failure(graph) == ["db"]
    # Once orders and billing talk directly, the store no longer holds the graph together.
    graph = graph_of([("orders", "db"), ("billing", "db"), ("orders", "billing")])
    assert single_points_of_failure(graph) == []


LAYERED = {
    "web": "frontend",
    "gw": "gateway",
    "orders": "business",
    "db": "data",
    "disk": "infrastructure",
    "tool": None,
}


def test_layering_reports_upward_and_skipping_edges() -> None:
    graph = Graph.from_layers(
        LAYERED,
        [
            ("web", "gw"),  # one step down: fine
            ("gw", "orders"),
            ("orders", "orders"),  # same layer: fine (cycles are reported by cycles())
            ("db", "orders"),  # upward
            ("web", "db"),  # skips gateway and business
            ("tool", "web"),  # no layer: not judged
        ],
    )
    assert [(v.source, v.target, v.rule) for v in layer_violations(graph)] == [
        ("db", "orders", "upward"),
        ("web", "db", "skips-layer"),
    ]
    assert layer_violations(graph)[1].message == "web → db: frontend → data skips gateway, business"


def test_allowed_pairs_and_skipping_down_are_editable() -> None:
    graph = Graph.from_layers(LAYERED, [("web", "orders"), ("web", "disk"), ("disk", "db")])
    allowed = LayerRules(allow=[("frontend", "business"), ("infrastructure", "data")])
    assert layer_violations(graph, allowed) == [
        Violation(
            "web",
            "disk",
            "skips-layer",
            "web → disk: frontend → infrastructure skips gateway, business, data",
        )
    ]
    assert [v.rule for v in layer_violations(graph, LayerRules(allow_skip_down=True))] == ["upward"]


def test_custom_layer_order_and_unknown_layers() -> None:
    graph = Graph.from_layers(
        {"ui": "ui", "svc": "service", "x": "mystery"}, [("ui", "svc"), ("svc", "x")]
    )
    rules = LayerRules(order=["ui", "service"])
    assert [(v.source, v.rule) for v in layer_violations(graph, rules)] == [
        ("svc", "unknown-layer")
    ]
    with pytest.raises(ValueError, match="repeats"):
        LayerRules(order=["a", "a"])


# Properties on small random graphs, checked against brute-force reachability.

small_graphs = st.integers(min_value=1, max_value=9).flatmap(
    lambda size: st.lists(
        st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=size * 3
    ).map(lambda pairs: (size, pairs))
)


def build(size: int, pairs: list[tuple[int, int]]) -> Graph:
    return Graph([Node(f"n{i}") for i in range(size)], [(f"n{a}", f"n{b}") for a, b in pairs])


def reachable(graph: Graph, start: str) -> set[str]:
    """Nodes reachable from start by one or more edges (start itself only via a cycle)."""
    edges = graph.edges()
    found: set[str] = set()
    frontier = {start}
    while frontier:
        frontier = {t for s, t in edges if s in frontier} - found
        found |= frontier
    return found


def component_count(names: set[str], edges: list[tuple[str, str]]) -> int:
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    for source, target in edges:
        if source in names and target in names:
            parent[root(source)] = root(target)
    return len({root(name) for name in names})


@settings(max_examples=200, deadline=None)
@given(small_graphs)
def test_cycles_are_exactly_the_nodes_that_reach_themselves(graph_data: tuple) -> None:
    graph = build(*graph_data)
    found = cycles(graph)
    members = [name for cycle in found for name in cycle]
    assert len(members) == len(set(members))
    assert found == sorted(found)
    assert set(members) == {name for name in graph.names if name in reachable(graph, name)}
    for cycle in found:
        assert cycle[0] == min(cycle)
        for name in cycle:
            assert set(cycle) <= reachable(graph, name)


@settings(max_examples=200, deadline=None)
@given(small_graphs)
def test_blast_radius_is_everything_with_a_path_to_the_node(graph_data: tuple) -> None:
    graph = build(*graph_data)
    for name in graph.names:
        expected = sorted(
            other for other in graph.names if other != name and name in reachable(graph, other)
        )
        assert blast_radius(graph, name) == expected


@settings(max_examples=200, deadline=None)
@given(small_graphs)
def test_single_points_of_failure_are_shared_cut_vertices(graph_data: tuple) -> None:
    graph = build(*graph_data)
    edges = graph.edges()
    whole = component_count(set(graph.names), edges)
    expected = [
        name
        for name in graph.names
        if component_count(set(graph.names) - {name}, edges) > whole
        and len({s for s, t in edges if t == name and s != name}) >= 2
    ]
    assert single_points_of_failure(graph) == expected
    assert orphans(graph) == [
        name for name in graph.names if not any(name in edge for edge in edges)
    ]


layers = st.sampled_from(["frontend", "gateway", "business", "data", "infrastructure"])


@settings(max_examples=200, deadline=None)
@given(small_graphs, st.lists(layers, min_size=9, max_size=9))
def test_layer_violations_follow_the_rank_difference(graph_data: tuple, chosen: list[str]) -> None:
    size, pairs = graph_data
    graph = Graph(
        [Node(f"n{i}", chosen[i]) for i in range(size)], [(f"n{a}", f"n{b}") for a, b in pairs]
    )
    rank = {layer: i for i, layer in enumerate(LayerRules().order)}
    expected = []
    for source, target in graph.edges():
        step = rank[graph.nodes[target].layer or ""] - rank[graph.nodes[source].layer or ""]
        if step < 0:
            expected.append((source, target, "upward"))
        elif step > 1:
            expected.append((source, target, "skips-layer"))
    assert [(v.source, v.target, v.rule) for v in layer_violations(graph)] == expected
    assert [v.rule for v in layer_violations(graph, LayerRules(allow_skip_down=True))] == [
        rule for _, _, rule in expected if rule == "upward"
    ]
    everything = [(a, b) for a in rank for b in rank]
    assert layer_violations(graph, LayerRules(allow=everything)) == []


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    size = 20_000
    pairs = [(i, i + 1) for i in range(size - 1)] + [(size - 1, 0)]
    graph = Graph(
        [Node(f"n{i:05}") for i in range(size)], [(f"n{a:05}", f"n{b:05}") for a, b in pairs]
    )
    found = cycles(graph)
    assert len(found) == 1 and len(found[0]) == size
    assert len(blast_radius(graph, "n00000")) == size - 1
    assert single_points_of_failure(graph, min_dependents=1) == []
