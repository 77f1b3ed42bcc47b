"""Layering findings as messages: in English they keep the layer codes the JSON API has always
returned ("business must not depend on the higher layer gateway"); other languages name them."""

from __future__ import annotations

from tmse.catalog.graph.layers import Verdict
from tmse.core.messages import NP_, Message, message

LAYER_WORDS: dict[str, Message] = {
    "frontend": NP_("layer code", "frontend"),
    "gateway": NP_("layer code", "gateway"),
    "business": NP_("layer code", "business"),
    "data": NP_("layer code", "data"),
    "infrastructure": NP_("layer code", "infrastructure"),
}


def layer_word(layer: str | None) -> Message | str:
    """A layer in a sentence: its word in the reader's language, or the code when unknown."""
    if layer is None:
        return "—"
    return LAYER_WORDS.get(layer, layer)


def verdict_finding(verdict: Verdict) -> Message:
    """Why an edge between two layers breaks the rules."""
    source, target = layer_word(verdict.source_layer), layer_word(verdict.target_layer)
    if verdict.rule == "unknown-layer":
        return message("layer {layer} is not in the layer order", layer=repr(verdict.layers[0]))
    if verdict.rule == "upward":
        return message(
            "{source} must not depend on the higher layer {target}", source=source, target=target
        )
    skipped = _listed([layer_word(layer) for layer in verdict.layers])
    return message(
        "{source} → {target} skips {skipped}", source=source, target=target, skipped=skipped
    )


def breach_finding(source: str, target: str, verdict: Verdict) -> Message:
    """A service's dependency that breaks the layering: the edge, then why."""
    return message(
        "{source} → {target}: {reason}",
        source=source,
        target=target,
        reason=verdict_finding(verdict),
    )


def _listed(items: list[Message | str]) -> Message | str:
    """Items joined as the reader's language lists them ("a, b" / "a、b")."""
    if len(items) == 1:
        return items[0]
    return message("{first}, {rest}", first=items[0], rest=_listed(items[1:]))
