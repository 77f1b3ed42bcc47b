"""Backstage entities → tmse catalog records: field mapping and value checks."""
# Pure: parsed entities in, record values and issues out. The whole descriptor is kept (in the
# record's `extra`), so an export (tmse.integrations.backstage.documents) can write back every field
# tmse has no column for, and references in the form they were written.

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from tmse.core.messages import Message, message
from tmse.core.safe_url import STORED_SCHEMES, url_scheme
from tmse.integrations import yaml_safe
from tmse.integrations.backstage.descriptors import (
    Entity,
    EntityRef,
    Issue,
    line_of,
    parse_entity_ref,
    text_line_of,
)

EXTRA_KEY = "backstage"
# For an entity owned by a user: the team that stood for the user when it was imported.
OWNER_TEAM_KEY = "backstage_owner_team"
API_VERSION = "backstage.io/v1alpha1"
LIFECYCLES = ("experimental", "production", "deprecated")
LAYERS = ("frontend", "gateway", "business", "data", "infrastructure")
API_TYPES = ("openapi", "asyncapi", "grpc", "graphql")
STORE_KINDS = ("relational", "nosql", "other")
DEFAULT_LAYER = "business"

# Annotations carrying tmse fields Backstage has no place for (Kubernetes ones are Backstage's).
LAYER = "tmse.io/layer"
TIER = "tmse.io/tier"
LANGUAGE = "tmse.io/language"
REPOSITORY = "tmse.io/repository"
KUBERNETES_NAMESPACE = "backstage.io/kubernetes-namespace"
KUBERNETES_WORKLOAD = "backstage.io/kubernetes-id"
ENGINE = "tmse.io/engine"
STORE_KIND = "tmse.io/store-kind"
PRIMARY = "tmse.io/primary"
SERVICE_ANNOTATIONS = {
    "layer": LAYER,
    "tier": TIER,
    "language": LANGUAGE,
    "repository": REPOSITORY,
    "kubernetes_namespace": KUBERNETES_NAMESPACE,
    "kubernetes_workload": KUBERNETES_WORKLOAD,
}
COLUMN_LIMITS = {
    "language": 40,
    "repository": 300,
    "kubernetes_namespace": 120,
    "kubernetes_workload": 120,
    "type": 40,
}

RELATIONAL_ENGINES = {
    "database", "postgres", "postgresql", "mysql", "mariadb", "oracle", "sqlserver", "mssql",
    "sqlite", "db2", "tidb", "cockroachdb", "oceanbase",
}  # fmt: skip
NOSQL_ENGINES = {
    "mongodb", "redis", "cassandra", "dynamodb", "elasticsearch", "opensearch", "couchdb",
    "hbase", "neo4j", "memcached", "couchbase", "scylladb", "influxdb", "etcd",
}  # fmt: skip
# Backstage group types → tmse team kinds, and back.
TEAM_KINDS = {
    "organization": "company",
    "company": "company",
    "department": "department",
    "sub-department": "department",
    "business-unit": "department",
    "product-area": "department",
}
GROUP_TYPES = {"company": "organization", "department": "department", "team": "team"}
# Table of each kind, in write order: owners before what they own, providers before consumers.
TABLES = {
    "Group": "team",
    "Domain": "domain",
    "System": "system",
    "Component": "service",
    "Resource": "data-store",
    "API": "api",
}
KIND_OF_TABLE = {table: kind for kind, table in TABLES.items()}


@dataclass
class Reference:
    """A reference field of a descriptor: where it is, and what it names."""

    path: str
    text: str
    ref: EntityRef


@dataclass
class Draft:
    """One entity turned into a tmse record's column values, with its references to resolve."""

    entity: Entity
    table: str
    values: dict[str, Any]
    owner: Reference | None = None
    system: Reference | None = None
    domain: Reference | None = None
    parent: Reference | None = None
    primary: Reference | None = None
    children: list[Reference] = field(default_factory=list)
    depends_on: list[Reference] = field(default_factory=list)
    provides: list[Reference] = field(default_factory=list)
    consumes: list[Reference] = field(default_factory=list)
    dependency_of: list[Reference] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def label(self) -> str:
        return str(self.entity.ref)

    def issue(self, path: str, finding: Message) -> Issue:
        """An issue at a field; 'spec.definition+3' is the third line inside that field's text."""
        path, _, within = path.partition("+")
        if within:
            line = text_line_of(self.entity, path, int(within))
        else:
            line = line_of(self.entity, path)
        return Issue(self.entity.source, line, self.label, path, finding)


def draft_entity(entity: Entity) -> tuple[Draft, list[Issue]]:
    """The record values of one entity and the problems with its field values."""
    draft = Draft(entity, TABLES[entity.kind], {})
    problems: list[tuple[str, Message]] = []
    metadata, spec = entity.metadata, entity.spec
    limit = 2000 if entity.kind == "Group" else 4000
    description = _text(metadata.get("description"), "metadata.description", limit, problems)
    title = _text(metadata.get("title"), "metadata.title", 200, problems) or None
    kept = dict(entity.raw)  # the parsed document is not shared: no need for a deep copy
    if entity.kind == "Group":
        group_type = _text(spec.get("type"), "spec.type", 60, problems)
        draft.values = {
            "kind": TEAM_KINDS.get(group_type, "team"),
            "description": description,
        }
        draft.parent = _reference(spec, "parent", "Group", problems)
        draft.children = _references(spec, "children", "Group", problems)
        draft.values["extra"] = {EXTRA_KEY: kept}
        return draft, _issues(draft, problems)
    draft.owner = _reference(spec, "owner", "Group", problems)
    draft.system = _reference(spec, "system", "System", problems)
    if entity.kind == "Domain":
        draft.values = {"title": title, "description": description}
    elif entity.kind == "System":
        draft.values = {"title": title, "description": description}
        draft.domain = _reference(spec, "domain", "Domain", problems)
    elif entity.kind == "Component":
        draft.values = _service_values(entity, description, problems)
        draft.depends_on = _references(spec, "dependsOn", "", problems)
        draft.provides = _references(spec, "providesApis", "API", problems)
        draft.consumes = _references(spec, "consumesApis", "API", problems)
    elif entity.kind == "Resource":
        draft.values = _store_values(entity, description, problems)
        draft.dependency_of = _references(spec, "dependencyOf", "", problems)
        primary = _annotations(entity).get(PRIMARY)
        if primary is not None:
            path = f"metadata.annotations.{PRIMARY}"
            draft.primary = Reference(
                path, str(primary), parse_entity_ref(str(primary), "Resource")
            )
    elif entity.kind == "API":
        draft.values = _api_values(entity, description, problems)
        definition = spec.get("definition")
        if isinstance(definition, str):
            kept["spec"] = dict(spec, definition=None)  # stored in its own column, not twice
    draft.values["extra"] = {EXTRA_KEY: kept}
    return draft, _issues(draft, problems)


def _issues(draft: Draft, problems: list[tuple[str, Message]]) -> list[Issue]:
    return [draft.issue(path, finding) for path, finding in problems]


def _annotations(entity: Entity) -> dict[str, Any]:
    annotations = entity.metadata.get("annotations")
    return annotations if isinstance(annotations, dict) else {}


def _text(value: Any, path: str, limit: int, problems: list[tuple[str, Message]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.append((path, message("must be text")))
        return ""
    if len(str(value)) > limit:
        problems.append((path, message("at most {limit} characters", limit=limit)))
    return str(value)


def _choice(
    value: Any, path: str, allowed: tuple[str, ...], problems: list[tuple[str, Message]]
) -> str:
    if value not in allowed:
        choices = ", ".join(allowed)
        problems.append(
            (path, message("'{value}' is not one of {choices}", value=value, choices=choices))
        )
        return allowed[0]
    return str(value)


def _reference(
    spec: dict[str, Any], key: str, default_kind: str, problems: list[tuple[str, Message]]
) -> Reference | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append((f"spec.{key}", message("must be an entity reference such as 'name'")))
        return None
    return Reference(f"spec.{key}", value, parse_entity_ref(value.strip(), default_kind))


def _references(
    spec: dict[str, Any], key: str, default_kind: str, problems: list[tuple[str, Message]]
) -> list[Reference]:
    values = spec.get(key)
    if values is None:
        return []
    if not isinstance(values, list):
        problems.append((f"spec.{key}", message("must be a list of entity references")))
        return []
    found = []
    for index, value in enumerate(values):
        path = f"spec.{key}.{index}"
        if not isinstance(value, str) or not value.strip():
            problems.append((path, message("must be an entity reference")))
        elif not default_kind and ":" not in value:
            problems.append(
                (path, message("'{value}' needs a kind, e.g. component:{value}", value=value))
            )
        else:
            found.append(Reference(path, value, parse_entity_ref(value.strip(), default_kind)))
    return found


def _service_values(
    entity: Entity, description: str, problems: list[tuple[str, Message]]
) -> dict[str, Any]:
    spec, annotations = entity.spec, _annotations(entity)
    values: dict[str, Any] = {
        "type": _text(spec.get("type"), "spec.type", 40, problems),
        "lifecycle": _choice(spec.get("lifecycle"), "spec.lifecycle", LIFECYCLES, problems),
        "description": description,
    }
    for column, annotation in SERVICE_ANNOTATIONS.items():
        path = f"metadata.annotations.{annotation}"
        raw = annotations.get(annotation)
        if column == "layer":
            values[column] = _choice(raw or DEFAULT_LAYER, path, LAYERS, problems)
        elif column == "tier":
            values[column] = _tier(raw, path, problems)
        else:
            text = _text(raw, path, COLUMN_LIMITS[column], problems)
            values[column] = text or None
    repository = values["repository"]
    if repository and (scheme := url_scheme(repository)) and scheme not in STORED_SCHEMES:
        # The same rule as the API's SafeUrl: a javascript: or data: link is never stored.
        refused = message("{scheme}: links are refused", scheme=scheme)
        problems.append((f"metadata.annotations.{REPOSITORY}", refused))
        values["repository"] = None
    return values


def _tier(value: Any, path: str, problems: list[tuple[str, Message]]) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        problems.append((path, message("'{value}' is not a whole number", value=value)))
        return None


def store_kind_of(engine: str) -> str:
    lowered = engine.lower()
    if lowered in RELATIONAL_ENGINES:
        return "relational"
    return "nosql" if lowered in NOSQL_ENGINES else "other"


def _store_values(
    entity: Entity, description: str, problems: list[tuple[str, Message]]
) -> dict[str, Any]:
    annotations = _annotations(entity)
    spec_type = _text(entity.spec.get("type"), "spec.type", 40, problems)
    engine_path = f"metadata.annotations.{ENGINE}"
    engine = _text(annotations.get(ENGINE) or spec_type, engine_path, 40, problems)
    kind = annotations.get(STORE_KIND)
    path = f"metadata.annotations.{STORE_KIND}"
    return {
        "engine": engine,
        "kind": _choice(kind, path, STORE_KINDS, problems) if kind else store_kind_of(engine),
        "description": description,
    }


def _api_values(
    entity: Entity, description: str, problems: list[tuple[str, Message]]
) -> dict[str, Any]:
    spec = entity.spec
    known_type = spec.get("type") in API_TYPES
    api_type = _choice(spec.get("type"), "spec.type", API_TYPES, problems)
    definition = spec.get("definition")
    text = ""
    if isinstance(definition, str) and not known_type:
        text = definition
    elif isinstance(definition, str):
        text = definition
        problem = definition_problem(api_type, definition)
        if problem is not None:
            offset, finding = problem
            problems.append((f"spec.definition+{offset}", finding))
    elif not (
        isinstance(definition, dict) and len(definition) == 1 and _is_placeholder(definition)
    ):
        problems.append(
            (
                "spec.definition",
                message(
                    "must be the definition text or {placeholder}", placeholder="{$text: location}"
                ),
            )
        )
    return {
        "type": api_type,
        "lifecycle": _choice(spec.get("lifecycle"), "spec.lifecycle", LIFECYCLES, problems),
        "description": description,
        "definition": text,
    }


def _is_placeholder(value: dict[str, Any]) -> bool:
    """Backstage's substitutions ({$text: url}, $json, $yaml), resolved by Backstage itself."""
    return next(iter(value)) in ("$text", "$json", "$yaml", "$openapi", "$asyncapi")


def definition_problem(api_type: str, text: str) -> tuple[int, Message] | None:
    """(line within the text, message) when an OpenAPI / AsyncAPI definition cannot be read."""
    if not text.strip():
        return 0, message("definition is empty")
    if api_type not in ("openapi", "asyncapi"):
        return None
    try:
        document = yaml_safe.load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark else 1
        return line, message(
            "{type} definition is not valid YAML: {reason}", type=api_type, reason=reason
        )
    keys = ("openapi", "swagger") if api_type == "openapi" else ("asyncapi",)
    if not isinstance(document, dict) or not any(k in document for k in keys):
        start = f"{keys[0]}: <version>"
        return 1, message("an {type} definition starts with '{start}'", type=api_type, start=start)
    return None
