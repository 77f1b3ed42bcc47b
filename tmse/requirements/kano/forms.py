"""The Kano forms: the new-survey form's fields into a survey request, the answer form's fields
into a response, and the service's refusals into messages beside the fields."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from tmse.core.errors import InvalidInput
from tmse.core.input_types import parse_int32
from tmse.requirements.kano.models import KanoFeature
from tmse.requirements.kano.schemas import SurveyCreate
from tmse.requirements.kano.service import SubmittedResponse
from tmse.web.forms import SubmittedForm, Translate

_FEATURE_LINE = re.compile(r"\s*\|\s*")
# Where a field of the request body shows on the form.
_FORM_FIELDS = {"name": "name", "description": "description", "category_gap": "gap"}
QUESTIONS = ("functional", "dysfunctional")


def parse_features(text: str) -> tuple[list[dict[str, Any]], int | None]:
    """One feature a line: `name`, `KEY | name` or `KEY | name | requirement id`; keys left out
    become F1, F2, ... by position. Returns (features, first bad line)."""
    features: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = _FEATURE_LINE.split(line.strip())
        if len(parts) == 1:
            features.append({"key": f"F{len(features) + 1}", "name": parts[0]})
        elif len(parts) in (2, 3) and all(parts[:2]):
            feature: dict[str, Any] = {"key": parts[0], "name": parts[1]}
            if len(parts) == 3 and parts[2]:
                requirement_id = parse_int32(parts[2])
                if requirement_id is None:
                    return [], number
                feature["requirement_id"] = requirement_id
            features.append(feature)
        else:
            return [], number
    return features, None


def blank_survey() -> dict[str, str]:
    return {"name": "", "description": "", "features": "", "gap": "6"}


def survey_values(form: SubmittedForm) -> dict[str, str]:
    return {
        "name": str(form.get("name", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "features": str(form.get("features", "")),
        "gap": str(form.get("gap", "6")).strip() or "6",
    }


def feature_message(location: Any, features: list[dict[str, Any]], _: Translate) -> str:
    """A translated message for a feature at fault, naming its line's key."""
    text = ".".join(location) if isinstance(location, list) else str(location)
    match = re.match(r"features(?:\[|\.)(\d+)", text)
    if location in (["features"], "features") or not features:
        return _("List at least one feature, one a line.")
    key = features[int(match.group(1))]["key"] if match else ""
    if "requirement_id" in text:
        return _("Feature %(key)s: there is no requirement with this id.") % {"key": key}
    if text.endswith("key"):
        return _(
            "Feature %(key)s: keys are letters, digits, “_”, “-” or “.”, unique in the survey."
        ) % {"key": key}
    return _("Feature %(key)s: the name is missing or too long.") % {"key": key}


def survey_request(
    values: dict[str, str], _: Translate
) -> tuple[SurveyCreate | None, list[dict[str, Any]], dict[str, str]]:
    """The survey the form describes (None when it is not valid), its features, and the
    messages under the fields at fault."""
    features, bad_line = parse_features(values["features"])
    errors: dict[str, str] = {}
    if bad_line is not None:
        hint = _("Line %(line)s: write “name”, “KEY | name” or “KEY | name | id”.")
        errors["features"] = hint % {"line": bad_line}
    try:
        data: SurveyCreate | None = SurveyCreate(
            name=values["name"],
            description=values["description"],
            features=features,
            category_gap=values["gap"],
        )
    except ValidationError as exc:
        for error in exc.errors():
            location = [str(p) for p in error.get("loc", ())]
            field = _FORM_FIELDS.get(location[0], "features") if location else "features"
            if field == "features":
                errors.setdefault(field, feature_message(location, features, _))
            elif field == "gap":
                errors.setdefault(field, _("Enter a number from 0 to 100."))
            else:
                errors.setdefault(field, _("This field is required."))
        data = None
    return (None if errors else data), features, errors


def refused_features(
    exc: InvalidInput, features: list[dict[str, Any]], _: Translate
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.extra["errors"]:
        errors.setdefault("features", feature_message(str(error["field"]), features, _))
    return errors


def submitted_answers(
    form: SubmittedForm, features: list[KanoFeature]
) -> tuple[dict[str, Any], SubmittedResponse]:
    """The answer form's values (to show again) and the response they make."""
    values: dict[str, Any] = {"respondent": str(form.get("respondent", "")).strip()}
    answers: dict[str, dict[str, str]] = {}
    for feature in features:
        pair = {q: str(form.get(f"{q}-{feature.key}", "")) for q in QUESTIONS}
        values.update({f"{q}-{feature.key}": v for q, v in pair.items()})
        answers[feature.key] = pair
    return values, SubmittedResponse(values["respondent"], answers)


def answer_errors(exc: InvalidInput, _: Translate) -> dict[str, str]:
    """The service's refusals under the answer form's fields."""
    errors: dict[str, str] = {}
    for error in exc.extra["errors"]:
        field = str(error["field"])
        if field == "respondent":
            errors["respondent"] = _("Enter your name.")
        elif field.startswith("answers."):
            parts = field.split(".")
            name = f"{parts[2]}-{parts[1]}" if len(parts) == 3 else f"functional-{parts[1]}"
            errors[name] = _("Choose one answer.")
    return errors
