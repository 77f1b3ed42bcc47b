"""Translatable labels of catalog codes (layers, lifecycles, API types, store kinds, rules),
offered to templates as filters: {{ _(layer | layer_label) }}."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tmse.core.messages import NP_, Message
from tmse.web.labels import N_
from tmse.web.templating import environment

LAYER_LABELS = {
    "frontend": N_("Frontend"),
    "gateway": N_("Gateway"),
    "business": N_("Business"),
    "data": N_("Data"),
    "infrastructure": N_("Infrastructure"),
}
LIFECYCLE_LABELS: dict[str, str | Message] = {
    "experimental": N_("Experimental"),
    "production": N_("Production"),
    "deprecated": NP_("lifecycle", "Deprecated"),
}
API_TYPE_LABELS = {
    "openapi": N_("OpenAPI"),
    "asyncapi": N_("AsyncAPI"),
    "grpc": N_("gRPC"),
    "graphql": N_("GraphQL"),
}
# A service's type is free text; these are the suggested ones (Backstage's spec.type values).
SERVICE_TYPE_LABELS: dict[str, str | Message] = {
    "service": NP_("service type", "service"),
    "website": NP_("service type", "website"),
    "library": NP_("service type", "library"),
    "gateway": NP_("service type", "gateway"),
}
STORE_KIND_LABELS = {
    "relational": N_("Relational"),
    "nosql": N_("NoSQL"),
    "other": N_("Other"),
}
RULE_LABELS = {
    "upward": N_("Upward dependency"),
    "skips-layer": N_("Skips a layer"),
    "unknown-layer": N_("Unknown layer"),
}
SIGNAL_LABELS = {
    "name": N_("Similar names"),
    "description": N_("Similar descriptions"),
    "paths": N_("Same API paths"),
    "schema": N_("Shared schema fields"),
}
DECISION_STATUS_LABELS: dict[str, str | Message] = {
    "proposed": N_("Proposed"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "deprecated": NP_("decision status", "Deprecated"),
    "superseded": N_("Superseded"),
}
# Colours of the layers, the same in lanes, badges and the graph.
LAYER_COLOURS = {
    "frontend": "#4299e1",
    "gateway": "#ae3ec9",
    "business": "#2fb344",
    "data": "#f59f00",
    "infrastructure": "#667382",
}


def _label(labels: Mapping[str, str | Message]) -> Callable[[object], str | Message]:
    """A template filter: a code's label (a msgid or a message with context), "—" for none."""
    return lambda code: labels.get(str(code), str(code)) if code is not None else "—"


for _name, _labels in (
    ("layer_label", LAYER_LABELS),
    ("lifecycle_label", LIFECYCLE_LABELS),
    ("api_type_label", API_TYPE_LABELS),
    ("service_type_label", SERVICE_TYPE_LABELS),
    ("store_kind_label", STORE_KIND_LABELS),
    ("rule_label", RULE_LABELS),
    ("signal_label", SIGNAL_LABELS),
    ("decision_status_label", DECISION_STATUS_LABELS),
):
    environment.filters[_name] = _label(_labels)
environment.globals["layer_colours"] = LAYER_COLOURS
