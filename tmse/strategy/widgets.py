"""Progress bars, numbers, amounts and requirement counts of the strategy pages: template globals
drawn in Python, as the alignment page shows several per row (`_macros.html` binds its macro names
to them). Each value goes through escape(), as `{{ value }}` does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from tmse.web.templating import environment, render_message


def progress_colour(value: float | None) -> str:
    """The bar's colour class for a progress percentage."""
    if value is None:
        return "bg-secondary"
    if value >= 70:
        return "bg-green"
    if value >= 40:
        return "bg-azure"
    if value >= 15:
        return "bg-yellow"
    return "bg-orange"


def progress_bar(value: float | None, size: str = "sm", testid: str = "") -> Markup:
    """A progress bar with its percentage beside it ("—" when unknown)."""
    test = f' data-testid="{escape(testid)}"' if testid else ""
    width = escape(value or 0)
    shown = "—" if value is None else f"{escape(f'{float(value):g}')}%"
    return Markup(  # noqa: S704 - every value is escaped
        f'<div class="d-flex align-items-center"{test}>\n'
        f'  <div class="progress progress-{escape(size)} flex-grow-1 me-2">\n'
        f'    <div class="progress-bar {progress_colour(value)}" style="width: {width}%"'
        ' role="progressbar"\n'
        f'         aria-valuenow="{width}" aria-valuemin="0" aria-valuemax="100"></div>\n'
        "  </div>\n"
        '  <span class="text-secondary small tmse-progress-value" style="min-width: 3.2em;'
        f' text-align: right">{shown}</span>\n'
        "</div>"
    )


def number(value: float | None) -> Markup:
    """A number with thousands separators and at most two decimals, "—" for none."""
    if value is None:
        return Markup("—")
    return escape(f"{value:,.2f}".rstrip("0").rstrip("."))


def money(by_currency: Mapping[str, float] | None) -> Markup:
    """Amounts per currency, joined by " · "; "—" for none."""
    if not by_currency:
        return Markup("—")
    return Markup(" · ").join(
        Markup("{} {}").format(number(amount), currency) for currency, amount in by_currency.items()
    )


def requirement_counts(counts: Any, labels: Mapping[str, Any], legend: bool = True) -> Markup:
    """The total, then a bar split by status in workflow order; each part names its status."""
    total = environment.getattr(counts, "total")
    if not total:
        return Markup('<span class="text-secondary">0</span>')
    by_status = environment.getattr(counts, "by_status")
    colours = environment.getattr(labels, "requirement_colour")
    names = environment.getattr(labels, "requirement_status")
    # Each shown status once: (count, slug, colour, name), escaped as `{{ value }}` would be.
    shown = [
        (
            by_status[status],
            escape(status),
            escape(colour),
            escape(render_message(names.get(status, status))),
        )
        for status, colour in colours.items()
        if by_status.get(status)
    ]
    parts = [
        f'<div class="d-flex align-items-center" data-req-total="{escape(total)}">\n'
        f'  <span class="fw-bold me-2" style="min-width: 2.5em">{escape(total)}</span>\n'
        '  <div class="progress progress-sm flex-grow-1" style="min-width: 8rem">\n'
    ]
    for count, status, colour, name in shown:
        parts.append(
            f'    <div class="progress-bar" style="width: {escape(100 * count / total)}%;'
            f' background: {colour}" data-req-status="{status}"\n'
            f'         title="{name}: {escape(count)}" data-bs-toggle="tooltip"></div>\n'
        )
    parts.append("  </div>\n</div>\n")
    if legend:
        parts.append('<div class="small text-secondary mt-1">\n')
        for count, _status, colour, name in shown:
            parts.append(
                '<span class="me-2 text-nowrap"><span class="badge badge-dot me-1"'
                f' style="background: {colour}"></span>{name} {escape(count)}</span>'
            )
        parts.append("</div>\n")
    return Markup("".join(parts))  # noqa: S704 - every value is escaped


environment.globals.update(
    strategy_progress_colour=progress_colour,
    strategy_progress_bar=progress_bar,
    strategy_number=number,
    strategy_money=money,
    strategy_requirement_counts=requirement_counts,
)
