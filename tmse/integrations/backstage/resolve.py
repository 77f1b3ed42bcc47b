"""Backstage references resolved against the entities of one import and the stored names."""
# Pure: drafts and the names tmse already holds in, issues out. A file with an issue imports
# nothing, so an entity referring to one in such a file is in error too (checked to a fixed point).

from __future__ import annotations

from collections.abc import Collection, Iterable

from tmse.core.messages import Message, message
from tmse.integrations.backstage.descriptors import Issue, parse_entity_ref
from tmse.integrations.backstage.mapping import Draft, Reference


def duplicates(drafts: list[Draft]) -> list[Issue]:
    """tmse has one namespace: the same kind and name twice (any namespace) is an error."""
    seen: dict[tuple[str, str], Draft] = {}
    found = []
    for draft in drafts:
        first = seen.setdefault((draft.table, draft.name), draft)
        if first is not draft:
            where = message(
                "also defined in {file} line {line}",
                file=first.entity.source,
                line=first.entity.line,
            )
            found.append(draft.issue("metadata.name", where))
    return found


TABLE_OF_KIND = {"Group": "team", "Domain": "domain", "System": "system"}
TABLE_OF_KIND |= {"Component": "service", "Resource": "data-store", "API": "api"}


def group_cycles(drafts: list[Draft]) -> list[Issue]:
    """Groups whose parents (their own `parent`, else a group listing them as a child) lead back
    to themselves; reported at each such group's parent field."""
    groups = {d.name: d for d in drafts if d.table == "team"}
    parent: dict[str, str] = {}
    for draft in groups.values():
        for child in draft.children:
            parent.setdefault(child.ref.name, draft.name)
    for draft in groups.values():
        if draft.parent is not None:
            parent[draft.name] = draft.parent.ref.name
    found = []
    for name, draft in groups.items():
        seen, current = {name}, parent.get(name)
        while current is not None and current not in seen:
            seen.add(current)
            current = parent.get(current)
        if current == name:
            path = draft.parent.path if draft.parent is not None else "metadata.name"
            cycle = message("the group would sit under itself (a parent cycle)")
            found.append(draft.issue(path, cycle))
    return found


def references(draft: Draft) -> Iterable[Reference]:
    for single in (draft.owner, draft.system, draft.domain, draft.parent, draft.primary):
        if single is not None:
            yield single
    yield from draft.children
    yield from draft.depends_on
    yield from draft.provides
    yield from draft.consumes
    yield from draft.dependency_of


def owner_team(
    reference: Reference,
    known_teams: Collection[str],
    memberships: dict[str, list[str]],
    user_teams: dict[str, str],
) -> str | None:
    if reference.ref.kind == "Group":
        return reference.ref.name if reference.ref.name in known_teams else None
    if reference.ref.kind != "User":
        return None
    for group in memberships.get(reference.ref.name, []):
        name = parse_entity_ref(group, "Group").name
        if name in known_teams:
            return name
    return user_teams.get(reference.ref.name)


def resolve(
    drafts: list[Draft],
    stored: dict[str, set[str]],
    memberships: dict[str, list[str]],
    user_teams: dict[str, str],
    rejected: set[str],
) -> list[Issue]:
    """Reference checks, repeated until no file is newly rejected: an entity that refers to one
    in a rejected file is itself in error."""
    # Every entity is checked, so a file's report is whole; within a rejected file, references
    # to its own entities count as resolved.
    defined_in = {(d.table, d.name): d.entity.source for d in drafts}
    own: dict[str, dict[str, set[str]]] = {}
    for draft in drafts:
        own.setdefault(draft.entity.source, {}).setdefault(draft.table, set()).add(draft.name)
    rejected = set(rejected)
    while True:
        known = {table: set(names) for table, names in stored.items()}
        for draft in drafts:
            if draft.entity.source not in rejected:
                known[draft.table].add(draft.name)
        views: dict[str, dict[str, set[str]]] = {}
        issues: list[Issue] = []
        for draft in drafts:
            source = draft.entity.source
            if source in rejected and source not in views:
                views[source] = {t: known[t] | own[source].get(t, set()) for t in known}
            view = views.get(source, known)
            issues += _check(draft, view, memberships, user_teams, defined_in)
        now = rejected | {i.source for i in issues}
        if now == rejected:
            return issues
        rejected = now


def _check(
    draft: Draft,
    known: dict[str, set[str]],
    memberships: dict[str, list[str]],
    user_teams: dict[str, str],
    defined_in: dict[tuple[str, str], str],
) -> list[Issue]:
    problems = []

    def missing(reference: Reference, table: str, what: Message) -> None:
        name = reference.ref.name
        source = defined_in.get((table, name))
        if source is not None:
            finding = message(
                "{what} '{name}' is in {file}, which has errors", what=what, name=name, file=source
            )
        else:
            finding = message("unknown {what} '{name}'", what=what, name=reference.text)
        problems.append(draft.issue(reference.path, finding))

    if draft.owner is not None:
        if draft.owner.ref.kind not in ("Group", "User"):
            finding = message("the owner must be a group or a user")
            problems.append(draft.issue(draft.owner.path, finding))
        elif owner_team(draft.owner, known["team"], memberships, user_teams) is None:
            if draft.owner.ref.kind == "User":
                finding = message(
                    "unknown owner '{name}' (no such user with a team)", name=draft.owner.text
                )
                problems.append(draft.issue(draft.owner.path, finding))
            else:
                missing(draft.owner, "team", message("owner"))
    for reference, table, what in (
        (draft.system, "system", message("system")),
        (draft.domain, "domain", message("domain")),
        (draft.parent, "team", message("parent group")),
        (draft.primary, "data-store", message("primary resource")),
    ):
        if reference is not None and reference.ref.name not in known[table]:
            missing(reference, table, what)
    for reference in draft.children:
        if reference.ref.name not in known["team"]:
            missing(reference, "team", message("child group"))
    for reference in (*draft.depends_on, *draft.dependency_of):
        target = {"Component": "service", "Resource": "data-store"}.get(reference.ref.kind)
        if target and reference.ref.name not in known[target]:
            missing(reference, target, message("dependency target"))
        if target == draft.table and reference.ref.name == draft.name:
            itself = message("an entity cannot depend on itself")
            problems.append(draft.issue(reference.path, itself))
    for reference in (*draft.provides, *draft.consumes):
        if reference.ref.kind == "API" and reference.ref.name not in known["api"]:
            missing(reference, "api", message("API"))
    return problems
