"""The rows of the backlog table, drawn in Python: fifty rows of a dozen cells each are too many
for template tags. Each value goes through escape(), as `{{ value }}` does; the table's markup
is the template's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from tmse.requirements.badges import (
    channel_label,
    moscow_badge,
    number,
    requirement_status,
    type_label,
)
from tmse.web.templating import environment

_DASH = Markup('<span class="text-secondary">—</span>')
# The model's own factors, shown between effort and the scores.
_FACTORS = {
    "rice": ("rice_reach", "rice_impact", "rice_confidence", "rice_effort"),
    "wsjf": ("wsjf_value", "wsjf_time_criticality", "wsjf_risk_reduction", "wsjf_job_size"),
}


def custom_value(value: Any) -> Markup:
    """A custom field's value: text as is, lists joined by commas, numbers `%g`, "—" for none."""
    if value is None or value == "" or value == []:
        return _DASH
    if isinstance(value, str):
        return escape(value)
    if hasattr(value, "__len__") and hasattr(value, "__getitem__"):
        return escape(", ".join(map(str, value)))
    return escape("%g" % value)  # noqa: UP031 - `%g` of any number, as the template's format


def _row(
    index: int,
    r: Mapping[str, Any],
    model: str | None,
    keys: Sequence[str],
    release_names: Mapping[int, str],
) -> str:
    requester = f" · {escape(r['requester'])}" if r["requester"] else ""
    ranked_key = f"{escape(r['key'])} · " if model else ""
    parts = [
        f'        <tr data-requirement-id="{escape(r["id"])}">\n',
        f'          <td class="text-secondary">{escape(index if model else r["key"])}</td>\n',
        "          <td>\n",
        f'            <a href="/requirements/{escape(r["id"])}" class="fw-medium">'
        f"{escape(r['title'])}</a>\n",
        f'            <div class="small text-secondary">{ranked_key}{type_label(r["type"])}'
        f" · {channel_label(r['channel'])}{requester}</div>\n",
        "          </td>\n",
        f"          <td>{requirement_status(r['status'])}</td>\n",
        f"          <td>{moscow_badge(r['moscow'])}</td>\n",
        f'          <td class="num">{number(r["effort_days"])}</td>\n',
    ]
    if model in _FACTORS:
        cells = "".join(f'<td class="num">{number(r[name])}</td>' for name in _FACTORS[model])
        parts.append(f"          {cells}\n")
    rice = " fw-bold" if model == "rice" else ""
    wsjf = " fw-bold" if model == "wsjf" else ""
    parts.append(
        f'          <td class="num{rice}" data-score="rice">{number(r["rice_score"])}</td>\n'
        f'          <td class="num{wsjf}" data-score="wsjf">{number(r["wsjf_score"])}</td>\n'
    )
    custom = r["custom"] or {}
    parts.extend(
        f'<td class="small" data-cf="{escape(key)}">{custom_value(custom.get(key))}</td>'
        for key in keys
    )
    release = escape(release_names.get(r["release_id"], "")) if r["release_id"] else "—"
    parts.append(f'          <td class="small text-secondary">{release}</td>\n        </tr>\n')
    return "".join(parts)


def backlog_rows(
    page: Mapping[str, Any],
    model: str | None,
    definitions: Sequence[Any],
    release_names: Mapping[int, str],
) -> Markup:
    """The `<tr>` lines of a backlog page (the template indents the first)."""
    keys = [field.key for field in definitions]
    offset = page["offset"]
    rows = [
        _row(offset + number_on_page, r, model, keys, release_names)
        for number_on_page, r in enumerate(page["items"], start=1)
    ]
    return Markup("".join(rows).strip())  # noqa: S704 - every value is escaped


environment.globals.update(backlog_rows=backlog_rows, requirement_custom_value=custom_value)
