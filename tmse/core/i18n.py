"""zh-CN and en message catalogs (Babel .po files) and locale negotiation."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LOCALES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LOCALE = "en"


def normalise(tag: str | None) -> str | None:
    """'zh-CN', 'zh_cn', 'zh-Hans', 'zh' -> 'zh_CN'; 'en-US' -> 'en'; unknown -> None."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return None


def negotiate(accept_language: str | None) -> str | None:
    """The best supported locale of an Accept-Language header, by quality value."""
    if not accept_language:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        locale = normalise(tag)
        if locale and quality > 0:
            weighted.append((-quality, position, locale))
    return min(weighted)[2] if weighted else None


def choose_locale(
    user_pref: str | None,
    cookie: str | None,
    accept_language: str | None,
    default: str = DEFAULT_LOCALE,
) -> str:
    for candidate in (normalise(user_pref), normalise(cookie), negotiate(accept_language)):
        if candidate in LOCALES:
            return candidate
    return normalise(default) or DEFAULT_LOCALE


def read_catalog(locale: str) -> Catalog:
    """Every .po file of a locale merged into one catalog: messages.po holds the shell,
    each module may keep its own file beside it (catalog.po, standards.po, ...)."""
    merged = Catalog(locale=locale)
    for po_path in sorted((TRANSLATIONS_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id:
                    merged[message.id] = message
    return merged


@lru_cache
def translations(locale: str) -> NullTranslations:
    """Translations compiled in memory from the .po files, so running needs no compile step."""
    catalog = read_catalog(locale)
    if not len(catalog):
        return NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)
