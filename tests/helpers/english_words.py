"""English words in text meant for a Chinese reader, and what may stay English: the words of
the data people entered (read from the database), product names, code identifiers, and the
words a Chinese translation itself keeps (read from the zh_CN catalogs, where it is shown)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from sqlalchemy import JSON, select
from sqlalchemy.engine import Connection

import tmse
from tests.helpers.hostile_data import MACHINE_COLUMNS, TEXT_JSON_COLUMNS, text_columns
from tmse.metadata import load_metadata

# Product, format, technology and standard names (RFC 9457, ISO 8601): English in any language.
_PRODUCT_NAMES = """
tmse GitHub GitLab Jenkins Backstage OpenAPI Swagger Kano MoSCoW RICE WSJF ADR SLO SLA API CSV JSON
YAML Markdown HTML HTTP HTTPS URL REST gRPC SQL GraphQL NoSQL Prometheus Grafana Kubernetes Jira
OKR KPI UTC ID RFC ISO
"""
PRODUCT_NAMES = frozenset(_PRODUCT_NAMES.lower().split())
# Units written after a number ("12 ms").
UNITS = frozenset({"ms", "s", "min", "h", "kb", "mb", "gb"})
# The test client's address, which the audit shows where a server shows an IP address.
TEST_CLIENT_ADDRESS = "testclient"
# Generated text, not user data: these columns hold what the system wrote (notification titles,
# link-state reasons, job details) or the English side of a bilingual field, so their words are
# not allowed just because they are stored. The demo's standards are the built-in ones.
GENERATED_COLUMNS = frozenset(
    {
        "notifications.title",
        "notifications.body",
        "trace_links.state_reason",
        "job_runs.detail",
        "standards.name",
        "standard_versions.change_note",
    }
)
# JSON columns holding what people (or their pipelines) entered: proposals, reported facts. Their
# strings count as data, except under keys naming a code the app compares with constants.
DATA_JSON_COLUMNS = TEXT_JSON_COLUMNS | {"architecture_reviews.proposal", "service_facts.value"}
CODE_KEYS = frozenset(
    {"layer", "kind", "status", "type", "lifecycle", "level", "severity", "decision", "state"}
)

CHINESE_CATALOGS = Path(tmse.__file__).parent / "translations" / "zh_CN" / "LC_MESSAGES"

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdf]|%[sdf]|\{[^}]*\}")
_EDGE_PUNCTUATION = "()[]{}<>\"'“”‘’«»,;:!?。，、；：！？（）【】《》…·*#|=+~^$%&"


def is_code_identifier(token: str) -> bool:
    """Keys, slugs, file names, paths, URLs, e-mails, versions and settings: REQ-12, snake_case,
    a/b.py, op=exists."""
    return (
        any(character.isdigit() for character in token)
        or "_" in token
        or "-" in token.strip("-")
        or "=" in token
        or "@" in token
        or "://" in token
        or token.startswith("/")
        or "." in token.strip(".")
        or _CAMEL_CASE.search(token) is not None
        or (len(token) == 1 and token.isupper())  # an abbreviation: RICE's C, Kano's A
    )


def words(text: str) -> Iterator[str]:
    """The English words of `text`, lower-cased, code identifiers left out."""
    for raw in text.split():
        token = raw.strip(_EDGE_PUNCTUATION)
        if token and not is_code_identifier(token):
            for word in _WORD.findall(token):
                yield word.lower()


# Values longer than this are prose (descriptions, comments): they allow themselves, shown whole
# or in part, but not each of their words anywhere on a page.
NAME_LENGTH = 300
_ELLIPSIS = ("…", "...")


@dataclass(frozen=True)
class Vocabulary:
    """What may be English on a page: the words of stored names, titles and keys, product names
    and units, and any stretch of stored prose."""

    words: frozenset[str]
    prose: str
    kept_in_translation: tuple[str, ...] = ()
    _checked: dict[str, bool] = field(default_factory=dict, compare=False)

    def is_stored_prose(self, text: str) -> bool:
        if text not in self._checked:
            core = text.strip().removesuffix(_ELLIPSIS[0]).removesuffix(_ELLIPSIS[1]).strip()
            self._checked[text] = len(core) > 1 and core in self.prose
        return self._checked[text]


def english_words(strings: Iterable[str], allowed: Vocabulary) -> dict[str, str]:
    """Each English word not allowed, with the first string it appeared in. A JSON document (a
    stored change shown as it is, a rule set being edited) is code, not prose."""
    found: dict[str, str] = {}
    for text in strings:
        if _is_json_document(text) or allowed.is_stored_prose(text):
            continue
        if not any(word not in allowed.words for word in words(text)):
            continue
        for word in words(_without(text, allowed.kept_in_translation)):
            if word not in allowed.words and word not in found:
                found[word] = text
    return found


def vocabulary(connection: Connection) -> Vocabulary:
    """Read from the database: the data people entered, with product names and units."""
    stored: set[str] = set()
    prose: list[str] = []
    for text, is_name in stored_texts(connection):
        if is_name and len(text) <= NAME_LENGTH:
            # Every word, inside keys and slugs too: "open-platform-gateway" names a gateway.
            stored.update(word.lower() for word in _WORD.findall(text))
        else:
            prose.append(" ".join(text.split()))
    allowed = stored | PRODUCT_NAMES | UNITS | {TEST_CLIENT_ADDRESS}
    return Vocabulary(frozenset(allowed), "\n".join(prose), kept_in_translation())


def kept_in_translation(folder: Path = CHINESE_CATALOGS) -> tuple[str, ...]:
    """The stretches of Chinese translations that keep English words on purpose ("所有 Must 需求已
    批准", "包含 key、check、params"), longest first: between placeholders, holding a non-ASCII
    character, so a translation left in English keeps nothing."""
    fragments: set[str] = set()
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as file:
            catalog = read_po(file)
        for entry in catalog:
            strings = entry.string
            translations = [strings] if isinstance(strings, str) else list(strings or ())
            for translation in translations:
                for fragment in _PLACEHOLDER.split(translation or ""):
                    fragment = fragment.strip()
                    if _WORD.search(fragment) and not fragment.isascii():
                        fragments.add(fragment)
    return tuple(sorted(fragments, key=len, reverse=True))


def _without(text: str, fragments: tuple[str, ...]) -> str:
    for fragment in fragments:
        if fragment in text:
            text = text.replace(fragment, " ")
    return text


def stored_texts(connection: Connection) -> Iterator[tuple[str, bool]]:
    """The strings people entered (not machine codes, not generated text), and whether each
    comes from a short column (a name, title or key) rather than prose."""
    for table, column in text_columns():
        name = f"{table.name}.{column.name}"
        if name in MACHINE_COLUMNS or name in GENERATED_COLUMNS:
            continue
        length = getattr(column.type, "length", None)
        is_name = length is not None and length <= NAME_LENGTH
        yield from ((value, is_name) for value in connection.scalars(select(column)) if value)
    for table in load_metadata().sorted_tables:
        for column in table.columns:
            if f"{table.name}.{column.name}" in DATA_JSON_COLUMNS and isinstance(column.type, JSON):
                for value in connection.scalars(select(column)):
                    yield from ((text, True) for text in _json_strings(value))


def _is_json_document(text: str) -> bool:
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if not _is_json_document(value):  # a reported log line is code, shown as code
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in CODE_KEYS:
                yield from _json_strings(item)
