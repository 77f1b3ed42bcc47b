"""Graph findings as messages, so each reader sees them in their own language."""

from __future__ import annotations

from tmse.catalog.graph.layers import Verdict
from tmse.catalog.labels import LAYER_LABELS
from tmse.core.messages import Message, message


def node_words(kind: str, name: str) -> Message | str:
    """A node as a finding names it: a service by its name, a data store as 'data store <name>'."""
    return message("data store {name}", name=name) if kind == "data-store" else name


def layer_words(layer: str) -> Message | str:
    """A layer's translatable name, or the code itself when it is not a known layer."""
    return Message(LAYER_LABELS[layer]) if layer in LAYER_LABELS else layer


def verdict_message(verdict: Verdict) -> Message:
    """Why an edge between two layers breaks the rules."""
    source, target = layer_words(verdict.source_layer), layer_words(verdict.target_layer)
    if verdict.rule == "unknown-layer":
        return message("layer {layer} is not in the layer order", layer=verdict.layers[0])
    if verdict.rule == "upward":
        return message(
            "{source} must not depend on the higher layer {target}", **_pair(source, target)
        )
    skipped = _listed([layer_words(layer) for layer in verdict.layers])
    return message("{source} → {target} skips {skipped}", **_pair(source, target), skipped=skipped)


def violation_message(
    source_kind: str, source: str, target_kind: str, target: str, verdict: Verdict
) -> Message:
    """A layering violation: the edge, then why it breaks the rules."""
    return message(
        "{source} → {target}: {reason}",
        source=node_words(source_kind, source),
        target=node_words(target_kind, target),
        reason=verdict_message(verdict),
    )


def _pair(source: Message | str, target: Message | str) -> dict[str, Message | str]:
    return {"source": source, "target": target}


def _listed(items: list[Message | str]) -> Message | str:
    """Items joined as the reader's language lists them ("a, b" / "a、b")."""
    if len(items) == 1:
        return items[0]
    return message("{first}, {rest}", first=items[0], rest=_listed(items[1:]))
