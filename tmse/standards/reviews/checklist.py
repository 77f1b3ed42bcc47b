"""An architecture review's checklist: the proposal, the layering rules and the standards' rule
results in, items (texts as message ids) out; failed errors block an unconditioned approval."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from rapidfuzz import fuzz

from tmse.catalog.duplicates.similarity import name_tokens
from tmse.catalog.graph.layers import LayerRules, edge_verdict
from tmse.core.messages import Message, message
from tmse.standards.registry.layer_findings import layer_word, verdict_finding
from tmse.standards.registry.shipped_standards import shipped

# Names whose normalised similarity reaches this are reported as possible duplicates.
SIMILAR_NAME_MIN = 0.85
SIMILAR_NAMES_SHOWN = 5


@dataclass(frozen=True)
class ProposedEdge:
    """A dependency of the service under review: on a service, an API or a data store."""

    # `target_layer` is the layer the edge is judged by (a data store sits in the data layer, an
    # API in its provider's layer), None when it cannot be judged; `found` is False when the
    # target is not in the catalog.

    target: str
    kind: str  # "service" | "api" | "data-store"
    target_layer: str | None
    found: bool = True
    planned: bool = False  # proposed by the review rather than already in the catalog


@dataclass(frozen=True)
class Subject:
    """The service under review as proposed: its name, layer and owner, and what the catalog
    says about them."""

    name: str
    layer: str
    owner: str
    owner_exists: bool
    is_new: bool
    name_taken: bool = False
    edges: tuple[ProposedEdge, ...] = ()
    # Cycles through the subject once its planned dependencies exist, each a list of names.
    cycles: tuple[tuple[str, ...], ...] = ()
    similar_names: tuple[tuple[str, float], ...] = ()


class RuleResultLike(Protocol):
    @property
    def standard(self) -> str: ...

    @property
    def standard_version(self) -> int: ...

    @property
    def rule(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def passed(self) -> bool: ...

    @property
    def finding(self) -> Message: ...

    @property
    def fix_hint(self) -> str: ...

    @property
    def hint(self) -> Message: ...

    @property
    def location(self) -> str | None: ...


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    item: Message
    source: str  # "layering", "catalog" or "<standard key>@v<version>"
    passed: bool
    severity: str  # "error" | "warning" | "info"
    details: Message
    blocking: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocking", not self.passed and self.severity == "error")

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the texts as message JSON (`{"id", "params"}`)."""
        stored = asdict(self)
        stored |= {"item": self.item.to_json(), "details": self.details.to_json()}
        return stored


def similar_names(
    name: str, existing: Iterable[str], minimum: float = SIMILAR_NAME_MIN
) -> list[tuple[str, float]]:
    """Existing names that read like `name` (generic words such as "service" ignored), best
    first; the same normalisation as the catalog's duplicate detector."""
    wanted = name_tokens(name)
    if not wanted:
        return []
    joined, ordered = " ".join(wanted), " ".join(sorted(wanted))
    found = []
    for other in existing:
        if other == name:
            continue
        tokens = name_tokens(other)
        if not tokens:
            continue
        ratio = max(
            fuzz.ratio(joined, " ".join(tokens)), fuzz.ratio(ordered, " ".join(sorted(tokens)))
        )
        if ratio / 100 >= minimum:
            found.append((other, round(ratio / 100, 4)))
    found.sort(key=lambda pair: (-pair[1], pair[0]))
    return found[:SIMILAR_NAMES_SHOWN]


def catalog_items(subject: Subject) -> list[ChecklistItem]:
    items = [
        ChecklistItem(
            "catalog:owner",
            message("Owner team '{team}' exists", team=subject.owner),
            "catalog",
            subject.owner_exists,
            "error",
            message("the team is in the organisation")
            if subject.owner_exists
            else message(
                "no team named '{team}': create it or choose an existing team", team=subject.owner
            ),
        )
    ]
    if subject.is_new:
        items.append(
            ChecklistItem(
                "catalog:name",
                message("Name '{name}' is free", name=subject.name),
                "catalog",
                not subject.name_taken,
                "error",
                message("a service named '{name}' already exists", name=subject.name)
                if subject.name_taken
                else message("no service has this name"),
            )
        )
        similar = ", ".join(f"{other} ({score:.0%})" for other, score in subject.similar_names)
        items.append(
            ChecklistItem(
                "catalog:similar-names",
                message("No existing service with a similar name"),
                "catalog",
                not subject.similar_names,
                "warning",
                message(
                    "possible duplicates: {names}; reuse or consolidate before building",
                    names=similar,
                )
                if similar
                else message("no similar names in the catalog"),
            )
        )
    return items


def layering_items(subject: Subject, rules: LayerRules) -> list[ChecklistItem]:
    """One item per dependency (source layer → target layer) and one for cycles."""
    items = []
    for edge in subject.edges:
        key = f"layering:{edge.kind}:{edge.target}"
        label = message(
            "{name} ({layer}) → {target}",
            name=subject.name,
            layer=layer_word(subject.layer),
            target=edge.target,
        )
        if not edge.found:
            items.append(
                ChecklistItem(
                    key,
                    message("{edge}: target exists", edge=label),
                    "layering",
                    False,
                    "error",
                    message(
                        "no {kind} named '{target}' in the catalog",
                        kind=edge.kind,
                        target=edge.target,
                    ),
                )
            )
            continue
        if edge.target_layer is None:
            items.append(
                ChecklistItem(
                    key,
                    message("{edge}", edge=label),
                    "layering",
                    True,
                    "info",
                    message(
                        "not judged: the {kind} '{target}' has no layer (no provider)",
                        kind=edge.kind,
                        target=edge.target,
                    ),
                )
            )
            continue
        verdict = edge_verdict(rules, subject.layer, edge.target_layer)
        arrow = message(
            "{source} → {target}",
            source=layer_word(subject.layer),
            target=layer_word(edge.target_layer),
        )
        items.append(
            ChecklistItem(
                key,
                message("{edge} ({layer})", edge=label, layer=layer_word(edge.target_layer)),
                "layering",
                verdict is None,
                "error",
                message("{rule}: {finding}", rule=verdict.rule, finding=verdict_finding(verdict))
                if verdict
                else message("{arrow} is allowed", arrow=arrow),
            )
        )
    cycles = "; ".join(" → ".join((*cycle, cycle[0])) for cycle in subject.cycles)
    items.append(
        ChecklistItem(
            "layering:cycles",
            message("Creates no dependency cycle"),
            "layering",
            not subject.cycles,
            "error",
            message("cycles through {name}: {cycles}", name=subject.name, cycles=cycles)
            if cycles
            else message("no cycle through it"),
        )
    )
    return items


def standards_items(results: Sequence[RuleResultLike]) -> list[ChecklistItem]:
    """One item per current rule result; a failed error-severity rule blocks."""
    items = []
    for result in results:
        details = result.finding
        if not result.passed and result.fix_hint:
            details = message("{finding} — {hint}", finding=details, hint=result.hint)
        if result.location:
            details = message("{details} ({location})", details=details, location=result.location)
        items.append(
            ChecklistItem(
                f"standard:{result.standard}:{result.rule}",
                message("{rule}: {title}", rule=result.rule, title=shipped(result.title)),
                f"{result.standard}@v{result.standard_version}",
                result.passed,
                result.severity,
                details,
            )
        )
    return items


def build_checklist(
    subject: Subject, rules: LayerRules, results: Sequence[RuleResultLike] = ()
) -> list[ChecklistItem]:
    """The whole checklist in reading order: catalog, layering, then standards."""
    return [*catalog_items(subject), *layering_items(subject, rules), *standards_items(results)]


def blocking_failures(checklist: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored items that block an approval."""
    return [item for item in checklist if item.get("blocking")]
