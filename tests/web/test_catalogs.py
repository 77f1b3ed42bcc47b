"""The zh_CN catalog translates every message the code and templates use, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from tmse.core.i18n import read_catalog

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "tmse" / "translations"
# The keywords of the documented extraction command (see babel.cfg).
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
    "message": None,
    "context_message": ((1, "c"), 2),
}
# Both placeholder styles: %(name)s in page text, {name} in stored messages.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _extracted() -> dict[tuple[str, str | None], str]:
    """(msgid, context) -> first place it is used; plural messages contribute both forms."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    return read_catalog(locale)


def test_extraction_finds_the_shell_messages():
    messages = {msgid for msgid, _context in _extracted()}
    for expected in (
        "Organisation overview",
        "Technical committee",
        "Wrong username or password.",
        "Teams",
        "Audit log",
        "Showing %(first)s to %(last)s of %(total)s",
    ):
        assert expected in messages


def test_every_message_has_a_chinese_translation():
    catalog = _catalog("zh_CN")
    missing = []
    for (msgid, context), where in sorted(_extracted().items(), key=str):
        entry = catalog.get(msgid, context) or _plural_entry(catalog, msgid)
        strings = _strings(entry)
        if not strings or not all(s.strip() for s in strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated in zh_CN:\n" + "\n".join(missing)


def test_placeholders_match_between_msgid_and_translation():
    problems = []
    for locale in ("zh_CN", "en"):
        for message in _catalog(locale):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set(PLACEHOLDER.findall(" ".join(ids)))
            for translated in _strings(message):
                if translated and set(PLACEHOLDER.findall(translated)) != wanted:
                    problems.append(f"{locale}: {ids[0]!r} -> {translated!r}")
    assert not problems, "placeholder mismatch:\n" + "\n".join(problems)


def test_english_catalog_lists_every_message():
    catalog = _catalog("en")
    missing = [
        (msgid, context)
        for msgid, context in _extracted()
        if catalog.get(msgid, context) is None and _plural_entry(catalog, msgid) is None
    ]
    assert not missing, f"missing from en: {missing}"


def _plural_entry(catalog, msgid):  # type: ignore[no-untyped-def]
    for message in catalog:
        if isinstance(message.id, tuple) and msgid in message.id:
            return message
    return None


def _strings(message) -> list[str]:  # type: ignore[no-untyped-def]
    if message is None:
        return []
    value = message.string
    return list(value) if isinstance(value, tuple) else [value]


def test_a_message_kept_in_several_module_files_has_one_translation():
    """Module .po files are merged, so one msgid with two translations would show one of them
    on every page, whichever file the merge read last."""
    from babel.messages.pofile import read_po

    clashes = []
    for locale in ("zh_CN", "en"):
        seen: dict[tuple[str, str | None], tuple[str, object]] = {}
        for po_path in sorted((TRANSLATIONS / locale / "LC_MESSAGES").glob("*.po")):
            with po_path.open("rb") as handle:
                for message in read_po(handle, locale=locale):
                    if not message.id or not message.string:
                        continue
                    msgid = message.id if isinstance(message.id, str) else message.id[0]
                    key = (msgid, message.context)
                    first = seen.setdefault(key, (po_path.name, message.string))
                    if first[1] != message.string:
                        clashes.append(f"{locale} {key!r}: {first} vs {po_path.name}")
    assert not clashes, "\n".join(clashes)
