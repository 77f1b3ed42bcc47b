"""zh-CN and en message catalogs (Babel .po files) and locale negotiation."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

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


@lru_cache
def translations(locale: str) -> NullTranslations:
    """Translations compiled in memory from the .po file, so running needs no compile step."""
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext(locale: str, message: str) -> str:
    return translations(locale).gettext(message)
