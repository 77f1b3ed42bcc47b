"""Every YAML, XML and CSV reader in tmse goes through its one safe entry point; a new direct
call (yaml.safe_load, ElementTree.fromstring, csv.reader...) fails here, naming the file."""

from __future__ import annotations

import re
from pathlib import Path

import tmse

SOURCE = Path(tmse.__file__).parent
# (pattern, the only module allowed to use it)
DIRECT_READERS = [
    (re.compile(r"\byaml\.(safe_load|load|load_all|full_load|unsafe_load|compose|compose_all|"
                r"parse)\b|\bC?SafeLoader\b|yaml\.\w*Loader\b"), "integrations/yaml_safe.py"),
    (re.compile(r"\b(xml\.etree|ElementTree|minidom|xml\.sax|lxml|expat)\b"),
     "integrations/xml_safe.py"),
    (re.compile(r"\bcsv\.(reader|DictReader|Sniffer)\b"), "integrations/csv_table.py"),
]  # fmt: skip


def test_no_reader_bypasses_the_safe_one() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        text = path.read_text(encoding="utf-8")
        for pattern, allowed in DIRECT_READERS:
            if relative != allowed and pattern.search(text):
                found.append(f"{relative}: {pattern.search(text).group(0)}")  # type: ignore[union-attr]
    assert found == []
