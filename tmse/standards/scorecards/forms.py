"""Form errors of the scorecard pages: service errors turned into messages beside fields."""

from __future__ import annotations

from fastapi import Request

from tmse.core.errors import Conflict, InvalidInput, Problem
from tmse.web.forms import problem_errors, translator
from tmse.web.labels import N_

CONFLICT_MESSAGES = {
    "name": N_("A campaign with this name already exists."),
    "key": N_("A level with this key already exists."),
    "rank": N_("Another level already has this rank."),
}


def problem_form_errors(exc: Problem, request: Request) -> tuple[dict[str, str], str]:
    """Form errors for a service error: unknown names were offered as choices, so say so."""
    _ = translator(request)
    if isinstance(exc, InvalidInput):
        errors = {
            str(error.get("field", "form")).removeprefix("scope."): _(
                "Choose one of the offered values."
            )
            for error in exc.extra.get("errors", [])
        }
        return errors, _("Please correct the marked fields.")
    field = exc.extra.get("field")
    if isinstance(exc, Conflict) and field in CONFLICT_MESSAGES:
        return {field: _(CONFLICT_MESSAGES[field])}, _("Please correct the marked fields.")
    return problem_errors(exc, _)
