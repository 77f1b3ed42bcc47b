"""The rows of the traceability matrix table, drawn in Python: a page holds up to hundreds of rows
of several cells each, too many for template tags. Each value goes through escape(), as
`{{ value }}` does; the table's markup is the template's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from tmse.requirements.traceability.delivery import DeliveryCells
from tmse.requirements.traceability.levels import Level
from tmse.web.templating import environment, translated


def _cell(cell: dict[str, Any], level: Level, words: dict[str, Markup]) -> str:
    suspect = cell.get("state") == "suspect"
    label = escape(cell["label"])
    url = cell.get("url")
    marked = ' class="bg-yellow-lt" data-suspect' if suspect else ""
    lines = [
        f'          <td{marked} data-cell="{escape(level.key)}:{escape(cell["id"])}">\n',
        f'<a href="{escape(url)}">{label}</a>' if url else label,
        f'            <span class="text-secondary small">#{escape(cell["id"])}</span>\n',
    ]
    if suspect:
        lines.append(f'<span class="badge bg-yellow text-yellow-fg ms-1">{words["suspect"]}</span>')
    if cell.get("via"):
        derived = words["derived"] % {"id": cell["via"]}
        lines.append(f'<div class="small text-secondary">{derived}</div>')
    lines.append("          </td>\n")
    return "".join(lines)


def _delivery(cells: DeliveryCells | None) -> str:
    """The three delivery cells: pull request links, production deployments, first day."""
    if cells is None:
        return '          <td class="text-secondary">—</td>\n' * 3
    links = " ".join(
        f'<a href="{escape(pr.url)}" data-pr="{escape(pr.ref)}">{escape(pr.ref)}</a>'
        if pr.url
        else f'<span data-pr="{escape(pr.ref)}">{escape(pr.ref)}</span>'
        for pr in cells.pull_requests
    )
    since = escape(cells.in_production_since or "")
    return (
        f"          <td data-delivery-prs>{links}</td>\n"
        f'          <td class="text-end" data-delivery-deployments>{cells.deployments}</td>\n'
        f"          <td data-delivery-since>{since}</td>\n"
    )


def matrix_rows(rows: Sequence[dict[str, Any]], levels: Sequence[Level]) -> Markup:
    """The `<tr>` lines of a page of the matrix (the template indents the first)."""
    words = {
        "orphan": translated("Orphan"),
        "orphan_title": translated("Nothing in the level above links to it."),
        "suspect": translated("Suspect"),
        "derived": translated("derived from #%(id)s"),
    }
    orphan_badge = (
        f'<span class="badge bg-orange-lt" data-orphan-badge title="{words["orphan_title"]}">'
        f"{words['orphan']}</span>"
    )
    parts = []
    for row in rows:
        orphan = row["orphan"]
        starts = f' class="trace-orphan" data-orphan="{escape(row["starts_at"].key)}"'
        parts.append(f"        <tr{starts if orphan else ''}>\n")
        for index, cell in enumerate(row["cells"]):
            if cell is None:
                shown = orphan_badge if orphan and index == 0 else "—"
                parts.append(f'          <td class="text-secondary">{shown}</td>\n')
            else:
                parts.append(_cell(cell, levels[index], words))
        parts.append(_delivery(row.get("delivery")))
        parts.append("        </tr>\n")
    return Markup("".join(parts).strip())  # noqa: S704 - every value is escaped


environment.globals["trace_matrix_rows"] = matrix_rows
