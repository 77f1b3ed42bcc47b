"""ADR Markdown format: adr-tools files parse, render back byte-for-byte, and errors name lines."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.adr_files import FOLDER, INIT, POSTGRES, REPLICATION
from tmse.integrations.adr_tools.markdown import (
    NYGARD_SECTIONS,
    Adr,
    AdrFormatError,
    AdrLink,
    ExtraSection,
    adr_filename,
    adr_slug,
    parse_adr,
    parse_adr_folder,
    render_adr,
)


def test_parses_adr_init_record() -> None:
    adr = parse_adr(INIT, "0001-record-architecture-decisions.md")
    assert (adr.number, adr.title, adr.date, adr.status) == (
        1,
        "Record architecture decisions",
        dt.date(2026, 11, 20),
        "accepted",
    )
    assert adr.links == []
    assert adr.context == "We need to record the architectural decisions made on this project."
    assert adr.consequences == "See Michael Nygard's article, linked above."
    assert adr_filename(adr) == "0001-record-architecture-decisions.md"


def test_supersede_links_parsed_both_ways() -> None:
    old = parse_adr(POSTGRES, "0002-use-postgresql.md")
    new = parse_adr(REPLICATION, "0003-use-postgresql-16-with-logical-replication.md")
    assert old.status == "superseded"
    assert old.links == [AdrLink("Superseded by", 3, "Use PostgreSQL 16 with logical replication")]
    assert new.status == "accepted"
    assert new.links == [("Supersedes", 2, "Use PostgreSQL")]


@pytest.mark.parametrize("name", sorted(FOLDER))
def test_render_of_adr_tools_file_is_byte_for_byte(name: str) -> None:
    assert render_adr(parse_adr(FOLDER[name], name)) == FOLDER[name]


def test_folder_parses_in_number_order_and_skips_readme() -> None:
    files = {"README.md": "# Decisions\n", **dict(reversed(FOLDER.items()))}
    assert [adr.number for adr in parse_adr_folder(files)] == [1, 2, 3]


def test_folder_reports_link_to_missing_adr_with_file_and_line() -> None:
    files = dict(FOLDER)
    del files["0003-use-postgresql-16-with-logical-replication.md"]
    with pytest.raises(AdrFormatError) as caught:
        parse_adr_folder(files)
    assert (caught.value.filename, caught.value.line) == ("0002-use-postgresql.md", 7)
    assert "missing ADR 3" in str(caught.value)


def test_folder_rejects_two_files_with_one_number() -> None:
    files = {**FOLDER, "0002-use-mysql.md": POSTGRES.replace("Use PostgreSQL\n", "Use MySQL\n")}
    with pytest.raises(AdrFormatError, match="also defined"):
        parse_adr_folder(files)


def test_amend_links_keep_the_status_line() -> None:
    # `adr link 3 Amends 1 "Amended by"` appends to the Status section of both files.
    text = INIT.replace(
        "Accepted\n", "Accepted\n\nAmended by [3. Use PostgreSQL](0003-use-postgresql.md)\n"
    )
    adr = parse_adr(text)
    assert adr.status == "accepted"
    assert adr.links == [("Amended by", 3, "Use PostgreSQL")]
    assert render_adr(adr) == text


def test_chinese_title_keeps_its_characters_in_the_slug() -> None:
    adr = Adr(number=12, title="采用 PostgreSQL 作为主数据库", date=dt.date(2026, 1, 2))
    assert adr_filename(adr) == "0012-采用-postgresql-作为主数据库.md"
    assert parse_adr(render_adr(adr), adr_filename(adr)) == adr


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Use PostgreSQL", "use-postgresql"),
        ("  Use   C++ / Rust!  ", "use-c-rust"),
        ("Deploy v2.0 -- now", "deploy-v2-0-now"),
        ("???", ""),
    ],
)
def test_slug_follows_adr_tools_rules(title: str, slug: str) -> None:
    assert adr_slug(title) == slug


def test_extra_sections_keep_their_place() -> None:
    text = (
        REPLICATION.replace("## Decision\n", "## Options\n\n- A\n- B\n\n## Decision\n")
        + "\n## Notes\n\n```md\n## not a heading\n```\n"
    )
    adr = parse_adr(text)
    assert adr.extra_sections == [
        ExtraSection("Options", "- A\n- B", "Context"),
        ExtraSection("Notes", "```md\n## not a heading\n```", "Consequences"),
    ]
    assert render_adr(adr) == text


def test_crlf_files_parse() -> None:
    assert parse_adr(INIT.replace("\n", "\r\n")) == parse_adr(INIT)


@pytest.mark.parametrize(
    ("text", "filename", "line", "message"),
    [
        ("", None, 1, "missing title line"),
        ("Use PostgreSQL\n\n## Status\n", None, 1, "missing title line"),
        (INIT.replace("# 1.", "# one."), None, 1, "'one' is not a number"),
        (INIT, "0007-record-architecture-decisions.md", 1, "file name says ADR 7"),
        (INIT, "record.md", None, "file name is not NNNN-title.md"),
        (INIT.replace("## Status", "## State"), None, 9, "missing '## Status' section"),
        (INIT.replace("## Context", "## Background"), None, 13, "missing '## Context'"),
        (INIT.replace("## Decision", "## Choice"), None, 17, "missing '## Decision'"),
        (INIT.replace("## Consequences", "## Result"), None, 20, "missing '## Consequences'"),
        (INIT.replace("Date: 2026-11-20", "Date: 20 Nov"), None, 3, "not YYYY-MM-DD"),
        (INIT.replace("Date: 2026-11-20", "Author: me"), None, 3, "unexpected text"),
        (INIT.replace("Accepted\n", "\n"), None, 5, "Status section has no status"),
        (INIT.replace("Accepted\n", "Accepted\n\nProposed\n"), None, 9, "second status line"),
        (INIT + "\n## Context\n\nAgain.\n", None, 21, "duplicate Context section"),
    ],
)
def test_errors_name_the_line(
    text: str, filename: str | None, line: int | None, message: str
) -> None:
    with pytest.raises(AdrFormatError, match=message) as caught:
        parse_adr(text, filename)
    assert caught.value.line == line


# Generated records: bodies are Markdown lines that are neither headings nor fences, with no
# blank lines at either end (parsing trims those, as adr-tools' blank-line spacing implies).
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
_LINE = st.text(_CHARS, max_size=30).filter(lambda line: not line.startswith(("## ", "```", "~~~")))
_BODY = (
    st.lists(_LINE, max_size=5)
    .map("\n".join)
    .filter(
        lambda body: (
            body == "" or (bool(body.split("\n")[0].strip()) and bool(body.split("\n")[-1].strip()))
        )
    )
)
_TITLE_TEXT = st.text(_CHARS, min_size=1, max_size=40).filter(
    lambda title: title == title.strip() and title != ""
)
_RELATION = st.sampled_from(
    ["Supersedes", "Superseded by", "Amends", "Amended by", "Clarifies", "Clarified by"]
)
_HEADINGS = st.text(_CHARS, min_size=1, max_size=20).filter(
    lambda heading: heading == heading.strip() and heading not in NYGARD_SECTIONS
)


@st.composite
def adrs(draw: st.DrawFn) -> Adr:
    return Adr(
        number=draw(st.integers(1, 9999)),
        title=draw(_TITLE_TEXT),
        date=draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))),
        status=draw(
            st.sampled_from(["proposed", "accepted", "deprecated", "superseded", "rejected"])
        ),
        links=draw(
            st.lists(st.builds(AdrLink, _RELATION, st.integers(1, 9999), _TITLE_TEXT), max_size=3)
        ),
        context=draw(_BODY),
        decision=draw(_BODY),
        consequences=draw(_BODY),
        extra_sections=draw(
            st.lists(
                st.builds(ExtraSection, _HEADINGS, _BODY, st.sampled_from(("", *NYGARD_SECTIONS))),
                max_size=3,
            )
        ),
    )


def _in_render_order(adr: Adr) -> list[ExtraSection]:
    order = ("", *NYGARD_SECTIONS)
    return sorted(adr.extra_sections, key=lambda extra: order.index(extra.after))


@given(adrs())
def test_render_then_parse_round_trips(adr: Adr) -> None:
    parsed = parse_adr(render_adr(adr), adr_filename(adr))
    adr.extra_sections = _in_render_order(adr)
    assert parsed == adr


@given(adrs())
def test_render_is_stable(adr: Adr) -> None:
    text = render_adr(adr)
    assert render_adr(parse_adr(text)) == text
