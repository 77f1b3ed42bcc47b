"""Architecture decision records in adr-tools' Markdown format: parse, render, file names.
Text in, dataclasses out; the format is what npryce/adr-tools' `adr new` and `link` write."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple

NYGARD_SECTIONS = ("Status", "Context", "Decision", "Consequences")

_TITLE = re.compile(r"^# (?P<number>\S+?)\. (?P<title>.*)$")
_HEADING = re.compile(r"^## (?P<heading>.+)$")
_DATE = re.compile(r"^Date: (?P<date>.*)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Greedy title: the last "](" wins, and adr-tools file names never contain parentheses.
_LINK = re.compile(r"^(?P<relation>[^\[\]]+?) \[(?P<number>[0-9]+)\. (?P<title>.*)\]\([^()]*\)$")
_FILENAME = re.compile(r"^(?P<number>[0-9]+)-.*\.md$")
_FENCE = re.compile(r"^(```|~~~)")


class AdrFormatError(ValueError):
    """A file that is not a well-formed adr-tools ADR; `line` is 1-based (None: the whole file)."""

    def __init__(self, message: str, line: int | None = None, filename: str | None = None) -> None:
        self.message = message
        self.line = line
        self.filename = filename
        where = filename or "<adr>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class AdrLink(NamedTuple):
    """A status line such as `Superseded by [3. Use PostgreSQL](0003-use-postgresql.md)`."""

    relation: str
    target_number: int
    target_title: str


@dataclass(frozen=True)
class ExtraSection:
    """A non-Nygard `## heading`; `after` is the Nygard section it follows ("" = before all)."""

    heading: str
    body: str
    after: str = "Consequences"


@dataclass
class Adr:
    """One decision record; section bodies are Markdown kept verbatim (outer blank lines aside)."""

    number: int
    title: str
    date: dt.date | None = None
    status: str = "proposed"
    links: list[AdrLink] = field(default_factory=list)
    context: str = ""
    decision: str = ""
    consequences: str = ""
    extra_sections: list[ExtraSection] = field(default_factory=list)


def adr_slug(title: str) -> str:
    """adr-tools' slug: runs of non-alphanumerics become one '-', lower-cased, trimmed."""
    # Letters of any script count (Chinese titles keep their characters), as `tr -Ccs
    # '[:alnum:]' -` does in a UTF-8 locale with a multibyte-aware tr (BSD/macOS).
    mapped = "".join(ch if ch.isalnum() else "-" for ch in title)
    return re.sub(r"-+", "-", mapped).lower().strip("-")


def adr_filename(adr: Adr) -> str:
    """The adr-tools file name, e.g. `0003-use-postgresql.md`."""
    return _filename(adr.number, adr.title)


def _filename(number: int, title: str) -> str:
    return f"{number:04d}-{adr_slug(title)}.md"


def _trim_blank(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _split_sections(lines: list[str]) -> tuple[list[str], list[tuple[int, str, list[str]]]]:
    """Split into preamble lines and (line number, heading, body lines); fenced code is opaque."""
    preamble: list[str] = []
    sections: list[tuple[int, str, list[str]]] = []
    in_fence = False
    for number, line in enumerate(lines[1:], start=2):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            sections.append((number, heading["heading"].strip(), []))
        elif sections:
            sections[-1][2].append(line)
        else:
            preamble.append(line)
    return preamble, sections


def _parse_title(first: str, filename: str | None) -> tuple[int, str]:
    match = _TITLE.match(first)
    if not first.startswith("# ") or match is None:
        raise AdrFormatError("missing title line '# N. Title'", 1, filename)
    if not re.fullmatch(r"[0-9]+", match["number"]):
        raise AdrFormatError(f"ADR number {match['number']!r} is not a number", 1, filename)
    title = match["title"].strip()
    if not title:
        raise AdrFormatError("title line has an empty title", 1, filename)
    return int(match["number"]), title


def _parse_date(preamble: list[str], filename: str | None) -> dt.date | None:
    found: dt.date | None = None
    for number, line in enumerate(preamble, start=2):
        if not line.strip():
            continue
        match = _DATE.match(line)
        if match is None or found is not None:
            raise AdrFormatError(
                f"unexpected text before the first section: {line!r}", number, filename
            )
        value = match["date"].strip()
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            found = dt.date.fromisoformat(value)
        except ValueError:
            raise AdrFormatError(f"date {value!r} is not YYYY-MM-DD", number, filename) from None
    return found


def _parse_status(
    heading_line: int, body: list[str], filename: str | None
) -> tuple[str, list[AdrLink]]:
    status: str | None = None
    links: list[AdrLink] = []
    for number, raw in enumerate(body, start=heading_line + 1):
        line = raw.strip()
        if not line:
            continue
        link = _LINK.match(line)
        if link:
            relation = link["relation"].strip()
            links.append(AdrLink(relation, int(link["number"]), link["title"]))
        elif status is None:
            status = line.lower()
        else:
            raise AdrFormatError(f"second status line {line!r}", number, filename)
    if status is None:
        # `adr new -s` deletes "Accepted" from the old record, leaving only the link.
        if any(link.relation.lower() == "superseded by" for link in links):
            return "superseded", links
        raise AdrFormatError("Status section has no status", heading_line, filename)
    return status, links


def parse_adr(text: str, filename: str | None = None) -> Adr:
    """Parse one adr-tools Markdown file; `filename`, when given, must carry the same number."""
    lines = text.replace("\r\n", "\n").split("\n")
    number, title = _parse_title(lines[0], filename)
    if filename is not None:
        basename = filename.rsplit("/", 1)[-1]
        match = _FILENAME.match(basename)
        if match is None:
            raise AdrFormatError("file name is not NNNN-title.md", None, filename)
        if int(match["number"]) != number:
            message = f"file name says ADR {int(match['number'])} but the title says {number}"
            raise AdrFormatError(message, 1, filename)
    preamble, sections = _split_sections(lines)
    date = _parse_date(preamble, filename)
    nygard: dict[str, tuple[int, list[str]]] = {}
    extras: list[ExtraSection] = []
    after = ""
    for line_number, heading, body in sections:
        if heading in NYGARD_SECTIONS:
            if heading in nygard:
                raise AdrFormatError(f"duplicate {heading} section", line_number, filename)
            nygard[heading] = (line_number, body)
            after = heading
        else:
            extras.append(ExtraSection(heading, _trim_blank(body), after))
    for index, heading in enumerate(NYGARD_SECTIONS):
        if heading not in nygard:
            # Point at the section it should precede, so the reader sees where it belongs.
            later = [nygard[h][0] for h in NYGARD_SECTIONS[index + 1 :] if h in nygard]
            line = min(later) if later else len(lines)
            raise AdrFormatError(f"missing '## {heading}' section", line, filename)
    status, links = _parse_status(*nygard["Status"], filename)
    return Adr(
        number=number,
        title=title,
        date=date,
        status=status,
        links=links,
        context=_trim_blank(nygard["Context"][1]),
        decision=_trim_blank(nygard["Decision"][1]),
        consequences=_trim_blank(nygard["Consequences"][1]),
        extra_sections=extras,
    )


# Rendering normalises what adr-tools never varies: status case ("ACCEPTED" -> "Accepted"), one
# blank line between blocks, Nygard sections in Nygard order, link file names from the slug.
def render_adr(adr: Adr) -> str:
    """adr-tools Markdown; rendering a parsed adr-tools file gives back the same bytes."""
    status_lines = [
        f"{link.relation} [{link.target_number}. {link.target_title}]"
        f"({_filename(link.target_number, link.target_title)})"
        for link in adr.links
    ]
    superseded = any(link.relation.lower() == "superseded by" for link in adr.links)
    if not (adr.status == "superseded" and superseded):
        status_lines.insert(0, adr.status[:1].upper() + adr.status[1:])
    bodies = {
        "Status": "\n\n".join(status_lines),
        "Context": adr.context,
        "Decision": adr.decision,
        "Consequences": adr.consequences,
    }
    blocks = [f"# {adr.number}. {adr.title}"]
    if adr.date is not None:
        blocks.append(f"Date: {adr.date.isoformat()}")

    def add(heading: str, body: str) -> None:
        blocks.append(f"## {heading}")
        if body:
            blocks.append(body)

    for heading in ("", *NYGARD_SECTIONS):
        if heading:
            add(heading, bodies[heading])
        for extra in adr.extra_sections:
            if extra.after == heading:
                add(extra.heading, extra.body)
    return "\n\n".join(blocks) + "\n"


def parse_adr_folder(files: dict[str, str]) -> list[Adr]:
    """Parse a `doc/adr/` folder (file name → text), by number; every link must hit a record.
    Files not named `NNNN-*.md` (README.md, templates) are skipped, as adr-tools skips them."""
    parsed: dict[int, tuple[str, Adr]] = {}
    for name in sorted(files):
        if not _FILENAME.match(name.rsplit("/", 1)[-1]):
            continue
        adr = parse_adr(files[name], name)
        if adr.number in parsed:
            other = parsed[adr.number][0]
            raise AdrFormatError(f"ADR {adr.number} is also defined in {other}", 1, name)
        parsed[adr.number] = (name, adr)
    for name, adr in parsed.values():
        for link in adr.links:
            if link.target_number not in parsed:
                line = _link_line(files[name], link)
                message = f"'{link.relation}' refers to missing ADR {link.target_number}"
                raise AdrFormatError(message, line, name)
    return [parsed[number][1] for number in sorted(parsed)]


def _link_line(text: str, link: AdrLink) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        match = _LINK.match(line.strip())
        if match and (match["relation"].strip(), int(match["number"])) == link[:2]:
            return number
    return None
