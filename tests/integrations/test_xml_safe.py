"""The one XML reader: reports parse as usual; entity bombs, external entities (XXE) and
external DTDs are refused without expanding or fetching anything; syntax errors say where."""

from __future__ import annotations

import tracemalloc

import pytest

from tmse.integrations.xml_safe import XmlRefused, parse_xml

JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="pay" tests="2" failures="1">
  <testcase classname="pay.Checkout" name="test_alipay" time="0.12"/>
  <testcase classname="pay.Checkout" name="test_retry"><failure message="boom"/></testcase>
</testsuite>
"""
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n<lolz>&lol9;</lolz>\n"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE data [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    "<data>&secret;</data>\n"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE data SYSTEM "http://127.0.0.1:9/evil.dtd">\n<data/>'
)
PARAMETER_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE data [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x">'
    " %remote;]>\n<data/>"
)


def test_an_ordinary_report_parses() -> None:
    root = parse_xml(JUNIT)
    assert root.tag == "testsuite" and root.get("failures") == "1"
    assert [case.get("name") for case in root.iter("testcase")] == ["test_alipay", "test_retry"]
    assert parse_xml(JUNIT.encode()).tag == "testsuite"


def test_billion_laughs_is_refused_with_flat_memory() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(XmlRefused, match="entity declarations"):
            parse_xml(LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20


@pytest.mark.parametrize("text", [XXE, PARAMETER_ENTITY], ids=["xxe", "parameter-entity"])
def test_external_entities_are_refused(text: str) -> None:
    with pytest.raises(XmlRefused, match="refused"):
        parse_xml(text)


def test_an_external_dtd_is_never_fetched() -> None:
    # Cobertura reports name their DTD by URL: the document is read, the DTD is not (nothing
    # listens on port 9, so a fetch would fail).
    assert parse_xml(EXTERNAL_DTD).tag == "data"


def test_a_syntax_error_names_line_and_column() -> None:
    with pytest.raises(XmlRefused) as refused:
        parse_xml("<a>\n  <b></c>\n</a>")
    assert (refused.value.line, refused.value.column) == (2, 8)
    assert "malformed XML" in str(refused.value)


def test_an_unknown_encoding_is_refused_as_malformed() -> None:
    with pytest.raises(XmlRefused, match=r"malformed XML.*klingon"):
        parse_xml(b'<?xml version="1.0" encoding="klingon"?><a/>')
