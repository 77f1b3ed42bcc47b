"""Jinja2 rendering with the locale, the signed-in actor, CSRF token and navigation filled in."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.support import NullTranslations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import Markup

from tmse.core import i18n, messages
from tmse.core.actor import Actor
from tmse.core.messages import Message
from tmse.web.csrf import csrf_token_of
from tmse.web.labels import N_, action_label, kind_label, link_state_label, role_label

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_COOKIE = "tmse_locale"


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # an English msgid; translated when rendered
    url: str
    permission: str = "read"
    order: int = 100
    icon: str = ""
    # The module it belongs to, a key of NAV_GROUPS; the navigation shows one heading per group.
    group: str = "organisation"


# Module headings of the navigation, in order: (key, English msgid).
NAV_GROUPS: tuple[tuple[str, str], ...] = (
    ("strategy", N_("Strategy & requirements")),
    ("architecture", N_("Architecture & standards")),
    ("devops", N_("DevOps")),
    ("organisation", N_("Organisation")),
)


_nav: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    """Modules add themselves to the navigation; absent modules simply never register."""
    _nav[item.key] = item


def _template_dirs() -> list[str]:
    dirs = [PACKAGE_DIR / "web" / "templates"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.parent.name != "web")
    return [str(d) for d in dirs]


environment = Environment(
    loader=FileSystemLoader(_template_dirs()),
    autoescape=select_autoescape(["html", "xml"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)


# JSON for a single-quoted HTML attribute: `<`, `>`, `&` and `'` become JSON escapes, and so does
# a `"` inside a string, so no value can end the attribute, open a tag or start an entity;
# JSON.parse reads the escapes back unchanged. Structural quotes stay (hence single quotes).
_JSON_ATTR_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})
# Inside JSON strings a backslash only starts an escape; pairs are consumed left to right, so an
# escaped backslash before a closing quote is never mistaken for an escaped quote.
_ESCAPED_QUOTE = re.compile(r'\\\\|\\"')


def _tojson_attr(value: Any) -> Markup:
    """JSON safe inside a single-quoted attribute: `data-chart='{{ option | jsondata }}'`."""
    text = json.dumps(value, ensure_ascii=False).translate(_JSON_ATTR_ESCAPES)
    text = _ESCAPED_QUOTE.sub(lambda m: "\\u0022" if m.group() == '\\"' else m.group(), text)
    return Markup(text)  # noqa: S704 - nothing in it can leave the attribute


def _datetime(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(dt.UTC).strftime(fmt) + " UTC" if value else "—"


def _date(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d") if value else "—"


environment.filters["jsondata"] = _tojson_attr
environment.filters["date"] = _date
environment.filters["datetime"] = _datetime
# English msgids of stored codes; templates translate them: {{ _(user_role | role_label) }}.
environment.filters["role_label"] = role_label
environment.filters["kind_label"] = kind_label
environment.filters["link_state_label"] = link_state_label
environment.filters["action_label"] = action_label
# A value stored as a code (`pending`, `zh_CN`, `change-request`) rather than words people wrote.
_STORED_CODE = re.compile(r"[a-z][a-zA-Z0-9]*(?:[_.:-][a-zA-Z0-9]+)*")
environment.tests["stored_code"] = lambda value: bool(_STORED_CODE.fullmatch(value))

# The catalog of the page being rendered; a context variable so macros imported without
# context (`{% from "web/macros.html" import pagination %}`) translate too.
_active_translations: ContextVar[NullTranslations | None] = ContextVar(
    "tmse_translations", default=None
)
_active_locale: ContextVar[str] = ContextVar("tmse_locale", default=i18n.DEFAULT_LOCALE)


def _translations() -> NullTranslations:
    return _active_translations.get() or i18n.translations(i18n.DEFAULT_LOCALE)


@pass_eval_context
def _gettext(eval_ctx: EvalContext, message: str | Message, **variables: Any) -> str:
    """`_("Showing %(first)s", first=1)`: translated, then filled in with escaped values."""
    if isinstance(message, Message):  # a label with a context: `_(entry.action | action_label)`
        return render_message(message)
    text = _translations().gettext(message)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalog; the variables are escaped by %
    return text % variables if variables else text


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = _translations().ngettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalog; the variables are escaped by %
    return text % variables


@pass_eval_context
def _pgettext(eval_ctx: EvalContext, context: str, message: str, **variables: Any) -> str:
    """`pgettext("decision status", "Pending")`: one English word, a translation per meaning."""
    text = str(_translations().pgettext(context, message))
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalog; the variables are escaped by %
    return text % variables if variables else text


def translated(msgid: str, context: str | None = None) -> Markup:
    """A msgid of our own catalog in the page's language, as `_()` or `pgettext()` give it."""
    translations = _translations()
    text = str(translations.pgettext(context, msgid)) if context else translations.gettext(msgid)
    return Markup(text)  # noqa: S704 - our own catalog, as in _gettext


def render_message(msg: Message | str | None) -> str:
    """`{{ t(finding.message) }}`: a stored message in the reader's language (escaped as text)."""
    return messages.render(msg, _active_locale.get())


environment.globals["gettext"] = _gettext
environment.globals["ngettext"] = _ngettext
environment.globals["pgettext"] = _pgettext
environment.globals["t"] = render_message


def _grouped(nav: list[NavItem]) -> list[tuple[str, list[NavItem]]]:
    """The entries under their module headings, in NAV_GROUPS order; empty groups left out."""
    groups = [(label, [n for n in nav if n.group == key]) for key, label in NAV_GROUPS]
    return [(label, items) for label, items in groups if items]


def request_locale(request: Request) -> str:
    actor: Actor | None = getattr(request.state, "actor", None)
    return i18n.choose_locale(
        actor.locale if actor else None,
        request.cookies.get(LOCALE_COOKIE),
        request.headers.get("accept-language"),
        request.app.state.settings.default_locale,
    )


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    locale = request_locale(request)
    translations = i18n.translations(locale)
    actor: Actor | None = getattr(request.state, "actor", None)
    nav = sorted(
        (n for n in _nav.values() if actor and actor.can(n.permission)),
        key=lambda n: (n.order, n.key),
    )
    values: dict[str, Any] = {
        "request": request,
        "actor": actor,
        "locale": locale,
        "html_lang": locale.replace("_", "-"),
        "locales": i18n.LOCALES,
        "csrf_token": csrf_token_of(request),
        "nav": nav,
        "nav_groups": _grouped(nav),
        "gettext": _gettext,
        "ngettext": _ngettext,
        "_": _gettext,
    }
    values.update(context or {})
    active = _active_translations.set(translations)
    active_locale = _active_locale.set(locale)
    try:
        html = environment.get_template(template).render(values)
    finally:
        _active_translations.reset(active)
        _active_locale.reset(active_locale)
    return HTMLResponse(html, status_code=status_code)
