"""Layering rules for the dependency graph: which layer may depend on which."""
# Pure: plain data in, plain results out. Layers run top to bottom; dependencies point down.

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tmse.catalog.graph.analysis import Graph

DEFAULT_LAYERS: tuple[str, ...] = ("frontend", "gateway", "business", "data", "infrastructure")


@dataclass(frozen=True)
class LayerRules:
    """Layer order (top first), explicitly allowed (source layer, target layer) pairs, and
    whether an edge may skip layers on its way down."""

    order: tuple[str, ...] = DEFAULT_LAYERS
    allow: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    allow_skip_down: bool = False

    def __init__(
        self,
        order: Iterable[str] = DEFAULT_LAYERS,
        allow: Iterable[tuple[str, str]] = (),
        allow_skip_down: bool = False,
    ) -> None:
        order = tuple(order)
        if len(set(order)) != len(order):
            raise ValueError(f"layer order repeats a layer: {order}")
        # Frozen, so the fields are set past the dataclass's own __setattr__.
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "allow", frozenset((source, target) for source, target in allow))
        object.__setattr__(self, "allow_skip_down", allow_skip_down)


@dataclass(frozen=True)
class Verdict:
    """The rule an edge between two layers breaks; `layers` are the skipped or unknown ones."""

    rule: str  # "upward", "skips-layer" or "unknown-layer"
    source_layer: str
    target_layer: str
    layers: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The verdict in English (translated text is the catalog's: graph/findings.py)."""
        if self.rule == "unknown-layer":
            return f"layer {self.layers[0]!r} is not in the layer order"
        if self.rule == "upward":
            return f"{self.source_layer} must not depend on the higher layer {self.target_layer}"
        return f"{self.source_layer} → {self.target_layer} skips {', '.join(self.layers)}"


@dataclass(frozen=True)
class Violation:
    """An edge that breaks the layering: `rule` is machine-readable, `message` is English."""

    source: str
    target: str
    rule: str  # "upward", "skips-layer" or "unknown-layer"
    message: str
    verdict: Verdict | None = field(default=None, compare=False)  # for translated findings


def edge_verdict(rules: LayerRules, source_layer: str, target_layer: str) -> Verdict | None:
    """The rule an edge between these layers breaks, or None when it is allowed."""
    if (source_layer, target_layer) in rules.allow or source_layer == target_layer:
        return None
    rank = {layer: position for position, layer in enumerate(rules.order)}
    for layer in (source_layer, target_layer):
        if layer not in rank:
            return Verdict("unknown-layer", source_layer, target_layer, (layer,))
    step = rank[target_layer] - rank[source_layer]
    if step < 0:
        return Verdict("upward", source_layer, target_layer)
    if step > 1 and not rules.allow_skip_down:
        skipped = rules.order[rank[source_layer] + 1 : rank[target_layer]]
        return Verdict("skips-layer", source_layer, target_layer, skipped)
    return None


def edge_violation(
    rules: LayerRules, source_layer: str, target_layer: str
) -> tuple[str, str] | None:
    """The (rule, English message) an edge between these layers breaks, or None."""
    verdict = edge_verdict(rules, source_layer, target_layer)
    return None if verdict is None else (verdict.rule, verdict.text)


def layer_violations(
    graph: Graph, rules: LayerRules | None = None, label: Callable[[str], str] = str
) -> list[Violation]:
    """Every edge that breaks the rules (default rules when None), sorted by source and target."""
    # An edge touching a node without a layer is not judged: there is nothing to judge it by.
    # `label` turns a node name into the words its message uses.
    rules = rules or LayerRules()
    # Few distinct layer pairs, many edges: judge each pair once, then walk the integer
    # adjacency (in name order, so the result is sorted) and name only the edges that break.
    layers = [graph.nodes[name].layer for name in graph.names]
    known = {layer for layer in layers if layer is not None}
    verdicts = {
        (source, target): edge_verdict(rules, source, target)
        for source in known
        for target in known
    }
    names = graph.names
    found: list[Violation] = []
    for source_index, targets in enumerate(graph.successors):
        source_layer = layers[source_index]
        if source_layer is None:
            continue
        for target_index in targets:
            target_layer = layers[target_index]
            if target_layer is None:
                continue
            verdict = verdicts[(source_layer, target_layer)]
            if verdict is not None:
                source, target = names[source_index], names[target_index]
                message = f"{label(source)} → {label(target)}: {verdict.text}"
                found.append(Violation(source, target, verdict.rule, message, verdict))
    return found
