"""The transition form of joint review: posted fields to the service's payload, and refusals
back into messages at the fields."""

from __future__ import annotations

from typing import Any

from tmse.core.errors import Conflict, Forbidden, InvalidInput, Problem
from tmse.core.messages import render as render_message
from tmse.requirements.labels import action_label
from tmse.web.forms import SubmittedForm, Translate, problem_errors
from tmse.web.labels import N_, role_label

# What each field of the transition form needs, shown at the field when it is wrong.
FIELD_HINTS = {
    "reason": N_("A rejection needs a reason."),
    "until": N_("Choose a date in the future."),
    "original_id": N_("Give the number of another existing requirement."),
    "reviewers": N_(
        "Choose at least one product manager and one architect or tech lead (two different people)."
    ),
    "capacity": N_("Choose the product or the technical capacity."),
    "comment": N_("Say what should change."),
    "action": N_("Choose one of the offered values."),
}


def field_errors(exc: InvalidInput, _: Translate) -> dict[str, str]:
    """The refused fields, each with the hint of what it needs."""
    shown: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form"))
        shown.setdefault(field, _(FIELD_HINTS[field]) if field in FIELD_HINTS else exc.detail)
    return shown


def problem_message(exc: Problem, _: Translate, locale: str) -> tuple[dict[str, str], str]:
    """(field errors, message) for a refused transition, in the reader's language."""
    if isinstance(exc, Forbidden) and "allowed_roles" in exc.extra:
        roles = ", ".join(_(role_label(r)) for r in exc.extra["allowed_roles"])
        action = render_message(action_label(str(exc.extra.get("action", ""))), locale)
        return {}, _("Only these roles may do “%(action)s”: %(roles)s.") % {
            "action": action,
            "roles": roles,
        }
    if isinstance(exc, InvalidInput):
        return field_errors(exc, _), _("Please correct the marked fields.")
    if isinstance(exc, Conflict) and "allowed_from" in exc.extra:
        return {}, _("The requirement's status has changed; this action is no longer possible.")
    if isinstance(exc, Conflict) and "capacity" in exc.extra:
        return {}, _(
            "This capacity is approved already, or you approved in the other one: one person "
            "fills only one capacity."
        )
    return problem_errors(exc, _)


def submitted(form: SubmittedForm) -> dict[str, Any]:
    """The transition form's fields as posted (trimmed), to fill the form again on an error."""

    def text(name: str) -> str:
        return str(form.get(name, "")).strip()

    return {
        "action": text("action"),
        "version": text("version"),
        "reason": text("reason"),
        "until": text("until"),
        "original_id": text("original_id"),
        "reviewers": [str(v) for v in form.getlist("reviewers") if str(v).strip()],
        "capacity": text("capacity"),
        "comment": text("comment"),
        "next": text("next"),
    }


def transition_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: (v or None) for k, v in values.items() if k != "next"}
    body["reviewers"] = values["reviewers"] or None
    return body


def next_url(values: dict[str, Any], requirement_id: int) -> str:
    """Where to go after the post: the page it came from if it is a requirement page."""
    wanted = values.get("next") or ""
    if (
        wanted.startswith("/requirements")
        and not wanted.endswith("/transitions")
        and "//" not in wanted
        and "\\" not in wanted
    ):
        return wanted
    return f"/requirements/{requirement_id}/review"


def with_errors(
    panel: dict[str, Any], values: dict[str, Any], errors: dict[str, str], message: str
) -> dict[str, Any]:
    panel = dict(panel)
    panel.update(errors=errors, message=message, values=values, failed_action=values["action"])
    return panel
