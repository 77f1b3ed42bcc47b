"""tmse catalog records → Backstage descriptors."""
# Pure: record values in, descriptor documents out. The kept original (in the record's `extra`)
# is the starting point, so an export writes back every field tmse has no column for, and
# references in the form they were written.

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tmse.integrations.backstage.descriptors import parse_entity_ref
from tmse.integrations.backstage.mapping import (
    API_VERSION,
    DEFAULT_LAYER,
    ENGINE,
    EXTRA_KEY,
    GROUP_TYPES,
    OWNER_TEAM_KEY,
    PRIMARY,
    SERVICE_ANNOTATIONS,
    STORE_KIND,
    TEAM_KINDS,
    store_kind_of,
)


@dataclass
class Relations:
    """What an exported record points at, by name, as tmse holds it now."""

    owner: str | None = None
    system: str | None = None
    domain: str | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    primary: str | None = None
    depends_on_services: set[str] = field(default_factory=set)
    depends_on_stores: set[str] = field(default_factory=set)
    consumes: set[str] = field(default_factory=set)
    provides: set[str] = field(default_factory=set)
    co_provided: set[str] = field(default_factory=set)  # APIs listed here, provided by another
    dependency_of: set[str] = field(default_factory=set)


def export_document(
    kind: str,
    name: str,
    values: dict[str, Any],
    relations: Relations,
) -> dict[str, Any]:
    """The descriptor of one record: the kept original with tmse's current values written in."""
    kept = (values.get("extra") or {}).get(EXTRA_KEY)
    document: dict[str, Any] = copy.deepcopy(kept) if isinstance(kept, dict) else {}
    document.setdefault("apiVersion", API_VERSION)
    document["kind"] = document.get("kind") if document.get("kind") == kind else kind
    metadata = document.setdefault("metadata", {})
    metadata["name"] = name
    spec = document.setdefault("spec", {})
    _set(metadata, "description", values.get("description") or None)
    if kind in ("Domain", "System"):
        _set(metadata, "title", values.get("title"))
    if kind == "Group":
        spec["type"] = _group_type(spec.get("type"), values["kind"])
        _set_ref(spec, "parent", relations.parent, "Group")
        spec["children"] = _merge_list(spec.get("children"), "Group", set(relations.children))
        return document
    owner_text = spec.get("owner")
    if not (isinstance(owner_text, str) and _owner_team(owner_text, values) == relations.owner):
        spec["owner"] = relations.owner
    _set_ref(spec, "system", relations.system, "System")
    if kind == "System":
        _set_ref(spec, "domain", relations.domain, "Domain")
    elif kind == "Component":
        _export_service(document, values, relations)
    elif kind == "Resource":
        _export_store(document, values, relations)
    elif kind == "API":
        spec["type"] = values["type"]
        spec["lifecycle"] = values["lifecycle"]
        if values.get("definition") or not isinstance(spec.get("definition"), dict):
            spec["definition"] = values.get("definition") or ""
    return document


def _owner_team(text: str, values: dict[str, Any]) -> str | None:
    """The team an owner reference named when imported (a user stands for their team)."""
    ref = parse_entity_ref(text, "Group")
    if ref.kind == "User":
        team = (values.get("extra") or {}).get(OWNER_TEAM_KEY)
        return team if isinstance(team, str) else None
    return ref.name


def _set(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == "":
        mapping.pop(key, None)
    else:
        mapping[key] = value


def _set_ref(spec: dict[str, Any], key: str, name: str | None, kind: str) -> None:
    current = spec.get(key)
    if name is None:
        spec.pop(key, None)
    elif not (isinstance(current, str) and parse_entity_ref(current, kind).name == name):
        spec[key] = name


def _group_type(kept: Any, team_kind: str) -> str:
    if isinstance(kept, str) and TEAM_KINDS.get(kept, "team") == team_kind:
        return kept
    return GROUP_TYPES.get(team_kind, "team")


def _merge_list(
    kept: Any,
    default_kind: str,
    targets: set[str],
    mapped_kinds: Iterable[str] | None = None,
    keep_also: set[str] | None = None,
    prefix: str = "",
    append: bool = True,
) -> list[str]:
    """The kept list with entries tmse no longer holds dropped and new ones appended; entries of
    kinds tmse does not map are left as they were."""
    mapped = set(mapped_kinds or (default_kind,))
    result, covered = [], set()
    for text in kept if isinstance(kept, list) else []:
        if not isinstance(text, str):
            continue
        ref = parse_entity_ref(text, default_kind)
        if ref.kind not in mapped:
            result.append(text)
        elif ref.name in targets or ref.name in (keep_also or set()):
            result.append(text)
            covered.add(ref.name)
    if append:
        result += [f"{prefix}{name}" for name in sorted(targets - covered)]
    return result


def _export_service(document: dict[str, Any], values: dict[str, Any], relations: Relations) -> None:
    spec, metadata = document["spec"], document["metadata"]
    spec["type"] = values.get("type") or "service"
    spec["lifecycle"] = values["lifecycle"]
    annotations = dict(metadata.get("annotations") or {})
    for column, annotation in SERVICE_ANNOTATIONS.items():
        value = values.get(column)
        if value is None or (
            column == "layer" and value == DEFAULT_LAYER and annotation not in annotations
        ):
            annotations.pop(annotation, None)
        elif annotations.get(annotation) is None or str(annotations[annotation]) != str(value):
            annotations[annotation] = str(value)
    _set(metadata, "annotations", annotations or None)
    depends = _merge_list(
        spec.get("dependsOn"),
        "",
        relations.depends_on_services,
        ("Component",),
        prefix="component:",
    )
    depends = _merge_list(
        depends, "", relations.depends_on_stores, ("Resource",), prefix="resource:"
    )
    _set_list(spec, "dependsOn", depends)
    _set_list(
        spec,
        "providesApis",
        _merge_list(
            spec.get("providesApis"), "API", relations.provides, keep_also=relations.co_provided
        ),
    )
    _set_list(
        spec, "consumesApis", _merge_list(spec.get("consumesApis"), "API", relations.consumes)
    )


def _set_list(spec: dict[str, Any], key: str, values: list[str]) -> None:
    if values or key in spec:
        spec[key] = values


def _export_store(document: dict[str, Any], values: dict[str, Any], relations: Relations) -> None:
    spec, metadata = document["spec"], document["metadata"]
    if not spec.get("type"):
        spec["type"] = "database" if values["kind"] != "other" else values["engine"]
    annotations = dict(metadata.get("annotations") or {})
    implied_engine = str(spec["type"])
    if values["engine"] != implied_engine or ENGINE in annotations:
        annotations[ENGINE] = values["engine"]
    if values["kind"] != store_kind_of(values["engine"]) or STORE_KIND in annotations:
        annotations[STORE_KIND] = values["kind"]
    if relations.primary:
        annotations[PRIMARY] = relations.primary
    else:
        annotations.pop(PRIMARY, None)
    _set(metadata, "annotations", annotations or None)
    _set_list(
        spec,
        "dependencyOf",
        _merge_list(
            spec.get("dependencyOf"), "", relations.dependency_of, ("Component",), append=False
        ),
    )
