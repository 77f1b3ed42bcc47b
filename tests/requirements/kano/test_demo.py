"""The Kano demo step: 60 respondents, every category planted, the same results on every run."""

from __future__ import annotations

import random

from tmse.core.actor import Actor
from tmse.demo.steps import DemoContext
from tmse.requirements.kano import queries
from tmse.requirements.kano.demo import create_kano_survey
from tmse.requirements.kano.models import KanoSurvey


def test_demo_survey_plants_every_category(db, make_account) -> None:  # type: ignore[no-untyped-def]
    # Twelve people of the organisation answer over the API, each as themselves; a viewer does not.
    make_account("viewer", username="reader")
    people = {make_account("engineer").username for _ in range(12)}
    ctx = DemoContext(db, random.Random(7), "small", Actor.system("demo"), "pw")
    create_kano_survey(ctx)
    with db.session() as session:
        survey = session.get(KanoSurvey, ctx.created["kano_survey"][0])
        assert queries.response_count(session, survey.id) == 60
        results = {r.feature.key: r.result for r in queries.results(session, survey)}
        responses = queries.all_responses(session, survey.id)
    assert {r.channel for r in responses} == {"web", "api", "csv"}
    assert {r.respondent for r in responses if r.channel == "api"} == people
    assert {key: r.category for key, r in results.items()} == {
        "REORDER": "A",
        "TRACKING": "O",
        "SECURE_PAY": "M",
        "DARK_MODE": "I",
        "VOICE_SEARCH": "A",  # A 22 vs I 20: 3.3 points, the rule picks A
        "EXPORT": "I",
        "E_INVOICE": "M",  # O 21 vs M 19: 3.3 points, the rule picks M
        "AUTOPLAY": "R",
    }
    assert results["E_INVOICE"].tie_rule_applied and results["E_INVOICE"].top == "O"
    assert results["REORDER"].counts == {"A": 30, "O": 12, "M": 6, "I": 10, "R": 1, "Q": 1}
    # M 34 vs O 14 of 60: 1.65·sqrt(48·72/120) = 1.65·5.367 = 8.85 ≤ 20: significant.
    assert results["SECURE_PAY"].significant is True
    assert all(r.n == 60 for r in results.values())
