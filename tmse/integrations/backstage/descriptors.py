"""Backstage catalog descriptors (catalog-info.yaml): parse with precise error locations, render."""
# Pure: text in, entities and issues out. Unknown fields are kept in `raw`, so an export writes
# back everything an import read.

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tmse.core.messages import Message, message, render
from tmse.integrations import yaml_safe

API_VERSIONS = {"backstage.io/v1alpha1", "backstage.io/v1beta1"}
# Kinds tmse maps onto its own records; others (User, Location, Template…) are skipped, not errors.
REQUIRED_SPEC: dict[str, tuple[str, ...]] = {
    "Component": ("type", "lifecycle", "owner"),
    "API": ("type", "lifecycle", "owner", "definition"),
    "Resource": ("type", "owner"),
    "System": ("owner",),
    "Domain": ("owner",),
    "Group": ("type", "children"),
}
# Backstage's rule: 1–63 characters, [a-zA-Z0-9] runs joined by single [-_.].
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$")
DEFAULT_NAMESPACE = "default"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line text (API definitions) as literal blocks, as people write it."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


@dataclass(frozen=True)
class EntityRef:
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"


def parse_entity_ref(ref: str, default_kind: str) -> EntityRef:
    """'resource:artists-db', 'group:default/team-a' or 'team-a' (with the default kind)."""
    kind, _, rest = ref.partition(":") if ":" in ref else (default_kind, "", ref)
    namespace, _, name = rest.partition("/") if "/" in rest else (DEFAULT_NAMESPACE, "", rest)
    return EntityRef(_canonical_kind(kind), namespace or DEFAULT_NAMESPACE, name)


_KINDS = {k.lower(): k for k in (*REQUIRED_SPEC, "User", "Location", "Template")}


def _canonical_kind(kind: str) -> str:
    return _KINDS.get(kind.lower(), kind)


@dataclass
class Entity:
    kind: str
    name: str
    namespace: str
    metadata: dict[str, Any]
    spec: dict[str, Any]
    raw: dict[str, Any]
    source: str
    line: int
    node: yaml.Node | None = field(default=None, repr=False, compare=False)

    @property
    def ref(self) -> EntityRef:
        return EntityRef(self.kind, self.namespace, self.name)


@dataclass(frozen=True)
class Issue:
    """A problem at a line of a file: `finding` in any language, `message` in English."""

    source: str
    line: int
    entity: str | None
    field: str | None
    finding: Message

    @property
    def message(self) -> str:
        return render(self.finding, "en")


@dataclass
class ParsedCatalog:
    entities: list[Entity] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # User name → the groups it is a member of (users are not imported, but may own entities).
    memberships: dict[str, list[str]] = field(default_factory=dict)

    def extend(self, other: ParsedCatalog) -> None:
        self.entities += other.entities
        self.issues += other.issues
        self.skipped += other.skipped
        self.memberships.update(other.memberships)


def parse_catalog(text: str, source: str = "catalog-info.yaml") -> ParsedCatalog:
    """Every document of a (multi-document) YAML file; a file that is not valid YAML yields one
    issue at the line the parser stopped, and no entities."""
    result = ParsedCatalog()
    try:
        documents = yaml_safe.load_with_nodes(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        result.issues.append(
            Issue(source, line, None, None, message("malformed YAML: {reason}", reason=reason))
        )
        return result
    for node, document in documents:
        if document is None:
            continue
        _add_document(result, node, document, source)
    return result


def parse_catalog_files(files: Mapping[str, str]) -> ParsedCatalog:
    """A folder of descriptor files (name → text), parsed in name order; duplicates are issues."""
    result = ParsedCatalog()
    for source in sorted(files):
        result.extend(parse_catalog(files[source], source))
    seen: dict[EntityRef, Entity] = {}
    for entity in result.entities:
        first = seen.setdefault(entity.ref, entity)
        if first is not entity:
            result.issues.append(
                Issue(
                    entity.source,
                    entity.line,
                    str(entity.ref),
                    "metadata.name",
                    message(
                        "also defined in {file} line {line}", file=first.source, line=first.line
                    ),
                )
            )
    return result


def _add_document(result: ParsedCatalog, node: yaml.Node, document: Any, source: str) -> None:
    line = node.start_mark.line + 1
    if not isinstance(document, dict):
        result.issues.append(
            Issue(source, line, None, None, message("a document must be a mapping"))
        )
        return
    kind = document.get("kind")
    raw_metadata = document.get("metadata")
    metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    name = metadata.get("name")
    namespace = metadata.get("namespace") or DEFAULT_NAMESPACE
    label = f"{str(kind).lower()}:{namespace}/{name}" if kind and name else None
    problems: list[tuple[str, Message]] = []
    if document.get("apiVersion") not in API_VERSIONS:
        expected = ", ".join(sorted(API_VERSIONS))
        problems.append(("apiVersion", message("expected one of {choices}", choices=expected)))
    if not isinstance(kind, str):
        problems.append(("kind", message("missing")))
    elif _canonical_kind(kind) not in REQUIRED_SPEC:
        result.skipped.append(f"{kind}:{name}")
        spec_of_skipped = document.get("spec")
        if _canonical_kind(kind) == "User" and isinstance(name, str):
            groups = spec_of_skipped.get("memberOf") if isinstance(spec_of_skipped, dict) else None
            if isinstance(groups, list) and metadata.get("namespace", DEFAULT_NAMESPACE) in (
                DEFAULT_NAMESPACE,
                None,
            ):
                result.memberships[name] = [str(g) for g in groups]
        return
    if not isinstance(name, str) or len(name) > 63 or not NAME_PATTERN.match(name):
        rule = message("1–63 letters or digits, joined by '-', '_' or '.'")
        problems.append(("metadata.name", rule))
    spec = document.get("spec") if isinstance(document.get("spec"), dict) else None
    if spec is None:
        problems.append(("spec", message("missing")))
    elif isinstance(kind, str):
        problems += [
            (f"spec.{key}", message("required"))
            for key in REQUIRED_SPEC[_canonical_kind(kind)]
            if key not in spec
        ]
    if problems:
        for path, finding in problems:
            result.issues.append(Issue(source, _line_of(node, path) or line, label, path, finding))
        return
    assert isinstance(kind, str) and isinstance(name, str) and spec is not None
    result.entities.append(
        Entity(
            kind=_canonical_kind(kind),
            name=name,
            namespace=str(metadata.get("namespace") or DEFAULT_NAMESPACE),
            metadata=metadata,
            spec=spec,
            raw=document,
            source=source,
            line=line,
            node=node,
        )
    )


def line_of(entity: Entity, path: str) -> int:
    """The line of a dotted field ('spec.owner', 'spec.dependsOn.1') of a parsed entity."""
    if entity.node is None:
        return entity.line
    head, _, key = path.partition(".annotations.")
    parts = [*head.split("."), "annotations", key] if key else path.split(".")
    return _line_of(entity.node, parts) or entity.line


def text_line_of(entity: Entity, path: str, line_in_text: int) -> int:
    """The file line of a line inside a text field (literal `|` blocks start a line below)."""
    found = entity.node
    for part in path.split("."):
        if not isinstance(found, yaml.MappingNode):
            return line_of(entity, path)
        found = next((v for k, v in found.value if getattr(k, "value", None) == part), None)
    if not isinstance(found, yaml.ScalarNode):
        return line_of(entity, path)
    first = int(found.start_mark.line) + (2 if found.style in ("|", ">") else 1)
    return first + max(0, line_in_text - 1)


def _line_of(node: yaml.Node, path: str | list[str]) -> int | None:
    """The line of a dotted field's key in a composed document, or of its nearest present parent;
    a number picks an item of a list."""
    line = int(node.start_mark.line) + 1
    current = node
    for part in path.split(".") if isinstance(path, str) else path:
        if isinstance(current, yaml.SequenceNode) and part.isdigit():
            if int(part) >= len(current.value):
                return line
            current = current.value[int(part)]
            line = int(current.start_mark.line) + 1
            continue
        if not isinstance(current, yaml.MappingNode):
            return line
        matches = [(k, v) for k, v in current.value if getattr(k, "value", None) == part]
        if not matches:
            return line
        key, current = matches[0]
        line = int(key.start_mark.line) + 1
    return line


def render_catalog(documents: Iterable[Mapping[str, Any]]) -> str:
    """Multi-document YAML in the order given, keys in their own order, Unicode kept readable."""
    text: str = yaml.dump_all(
        [dict(d) for d in documents],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
    return text
