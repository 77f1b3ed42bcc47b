"""CSV import of requirements, all or nothing: every row is mapped and validated first; one bad
row and nothing is stored, and the 422 lists every bad row with its line number and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput
from tmse.core.messages import Message, message, render
from tmse.integrations.csv_table import CsvRefused, read_table
from tmse.integrations.jira import MAPPINGS, Lookups, Mapping, Row, map_row
from tmse.planning import queries as planning
from tmse.requirements import custom_fields, service
from tmse.requirements.models import CONTENT_FIELDS, Requirement

# Rows with a key seen before (Jira "Issue key", or the generic `external_key` column) update
# that requirement instead of adding another, so importing the same file twice changes nothing.

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024


class RowsRefused(InvalidInput):
    """The 422 of rows that are not valid; `messages` holds, by position in the errors, those
    worded as messages, so a page shows them in the reader's language (the API's are English)."""

    def __init__(
        self, detail: str, errors: list[dict[str, Any]], messages: dict[int, Message]
    ) -> None:
        super().__init__(detail, errors)
        self.messages = messages


@dataclass
class ImportOutcome:
    mapping: str
    rows: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


def read_rows(text: str) -> tuple[list[str], list[tuple[int, Row]]]:
    """(header, [(line where the record starts, [(header, cell), ...]), ...]); a file that is not
    strictly CSV (see tmse.integrations.csv_table) is a 422 naming each line."""
    # Line numbers count physical lines, so a quoted cell spanning lines keeps them true.
    try:
        header, table = read_table(text)
    except CsvRefused as refused:
        raise not_csv(refused) from None
    return header, [(line, list(zip(header, cells, strict=True))) for line, cells in table]


def not_csv(refused: CsvRefused) -> InvalidInput:
    """The 422 of a file the strict CSV reader refused: every problem with its line."""
    lines = sorted({p.line for p in refused.problems})
    return InvalidInput(
        f"The file is not valid CSV (lines {', '.join(map(str, lines))}); nothing was imported",
        [p.as_error() for p in refused.problems],
    )


def _lookups(session: Session) -> Lookups:
    projects = planning.project_ids_by_key(session)
    releases = planning.release_ids_by_name(session)
    keys: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for definition in custom_fields.definitions(session):
        keys[definition.key.lower()] = definition.key
        keys.setdefault(definition.label_en.lower(), definition.key)
        kinds[definition.key] = definition.kind
    return Lookups(projects, releases, keys, kinds)


@dataclass(frozen=True)
class ParsedCsv:
    """A file read and checked on its own, before the database is touched."""

    mapping: Mapping
    records: list[tuple[int, Row]]


def import_csv(
    session: Session, actor: Actor, text: str, mapping_name: str = "generic"
) -> ImportOutcome:
    """Validate every row, then store them all; raise one 422 listing every bad row. Parses
    inside the caller's transaction: callers that write use parse_csv first, outside it."""
    return import_rows(session, actor, parse_csv(text, mapping_name))


def parse_csv(text: str, mapping_name: str = "generic") -> ParsedCsv:
    """The file's rows, strictly read; needs no database, so run it before the write
    transaction (on SQLite that transaction locks out every other writer)."""
    mapping = MAPPINGS.get(mapping_name)
    if mapping is None:
        raise InvalidInput(
            f"Unknown mapping '{mapping_name}'",
            [{"field": "mapping", "message": f"one of: {', '.join(MAPPINGS)}"}],
        )
    if len(text.encode()) > MAX_BYTES:
        raise InvalidInput("The file is too large", [{"field": "file", "message": "at most 20 MB"}])
    header, records = read_rows(text)
    if not header or not records:
        raise InvalidInput("The file has no rows", [{"field": "file", "message": "no data rows"}])
    if len(records) > MAX_ROWS:
        raise InvalidInput("Too many rows", [{"field": "file", "message": f"at most {MAX_ROWS}"}])
    return ParsedCsv(mapping, records)


def import_rows(session: Session, actor: Actor, parsed: ParsedCsv) -> ImportOutcome:
    """Map and validate every parsed row against the database, then store them all."""
    mapping, records = parsed.mapping, parsed.records
    lookups = _lookups(session)
    keys = [
        key for key in (map_row(mapping, row, lookups).external_key for _, row in records) if key
    ]
    existing = {
        r.external_key: r
        for chunk in _chunks(keys, 500)
        for r in session.scalars(select(Requirement).where(Requirement.external_key.in_(chunk)))
    }
    errors: list[dict[str, Any]] = []
    messages: dict[int, Message] = {}
    planned: list[tuple[Requirement | None, dict[str, Any], str | None]] = []
    seen: dict[str, int] = {}

    def refuse(line: int, field: str, why: Message) -> dict[str, Any]:
        messages[len(errors) + len(row_errors)] = why
        return {"line": line, "field": field, "message": render(why, "en")}

    for line, row in records:
        mapped = map_row(mapping, row, lookups)
        row_errors: list[dict[str, Any]] = []
        for field_name, why in mapped.errors:
            row_errors.append(refuse(line, field_name, why))
        key = mapped.external_key
        if key and key in seen:
            also = message("{key} is also on line {line}", key=key, line=seen[key])
            row_errors.append(refuse(line, "external_key", also))
        if key:
            seen.setdefault(key, line)
        current = existing.get(key) if key else None
        clean: dict[str, Any] = {}
        if not row_errors:
            try:
                clean = service.validate_changes(session, current, mapped.values, prefix="")
            except InvalidInput as exc:
                row_errors += [
                    {"line": line, "field": e["field"], "message": e["message"]}
                    for e in exc.extra.get("errors", [])
                ]
            if current is not None and not row_errors:
                content = [f for f in service.changed_fields(current, clean) if f in CONTENT_FIELDS]
                if content and service.in_approved_baseline(session, current.id):
                    baselined = message(
                        "{key} is in an approved baseline: propose a change request",
                        key=current.key,
                    )
                    row_errors.append(refuse(line, content[0], baselined))
        errors += row_errors
        planned.append((current, clean, key))
    if errors:
        lines = sorted({e["line"] for e in errors})
        raise RowsRefused(
            f"{len(lines)} row(s) are not valid (lines {', '.join(map(str, lines))}); "
            "nothing was imported",
            errors,
            messages,
        )
    return _store(session, actor, mapping.name, mapping.channel, planned)


def _chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _store(
    session: Session,
    actor: Actor,
    mapping_name: str,
    channel: str,
    planned: list[tuple[Requirement | None, dict[str, Any], str | None]],
) -> ImportOutcome:
    outcome = ImportOutcome(mapping_name, rows=len(planned))
    new_rows = []
    for current, clean, key in planned:
        if current is None:
            new_rows.append(service.new_requirement(actor, clean, channel, key))
        elif service.changed_fields(current, clean):
            service.apply_changes(session, actor, current, clean)
            outcome.updated.append(current.id)
        else:
            outcome.unchanged.append(current.id)
    session.add_all(new_rows)
    session.flush()
    audit.record_many(
        session,
        actor,
        (
            audit.Change("create", "requirement", r.id, audit.diff(None, service.snapshot(r)))
            for r in new_rows
        ),
    )
    outcome.created = [r.id for r in new_rows]
    return outcome


def import_file(db: Any, actor: Actor, path: Any, mapping_name: str, console: Any) -> bool:
    """`tmse import requirements FILE`: import in one transaction; print every bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]error:[/red] cannot read {path}: {exc}")
        return False
    try:
        parsed = parse_csv(text, mapping_name)
        with db.session() as session:
            outcome = import_rows(session, actor, parsed)
    except InvalidInput as exc:
        console.print(f"[red]error:[/red] {exc.detail}")
        for error in exc.extra.get("errors", []):
            line = f"line {error['line']}: " if error.get("line") else ""
            console.print(f"  {line}{error['field']}: {error['message']}")
        return False
    console.print(
        f"imported {outcome.rows} rows ({outcome.mapping}): {len(outcome.created)} new, "
        f"{len(outcome.updated)} updated, {len(outcome.unchanged)} unchanged"
    )
    return True
