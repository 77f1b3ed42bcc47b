"""Demo step: one Kano survey of eight shop features answered by 60 customers, with planted
answers so every category shows and the results are the same on every run."""

# One feature is decided by the M > O > A > I rule. Features are linked to demo requirements
# whose title mentions them, when there are any.

from __future__ import annotations

import random
from itertools import islice

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.identity.models import User
from tmse.core.permissions import KANO_RESPOND
from tmse.demo.names import NameSource
from tmse.demo.steps import DemoContext, register_step
from tmse.requirements.kano import analysis, service
from tmse.requirements.kano.schemas import FeatureIn, SurveyCreate
from tmse.requirements.kano.service import SubmittedResponse
from tmse.requirements.models import Requirement

RESPONDENTS = 60
# key, bilingual name, words a related requirement's title may contain, planted counts (sum 60).
FEATURES: tuple[tuple[str, str, tuple[str, ...], dict[str, int]], ...] = (
    ("REORDER", "One-tap reorder / 一键再次购买", ("reorder", "再次购买"),
     {"A": 30, "O": 12, "M": 6, "I": 10, "R": 1, "Q": 1}),
    ("TRACKING", "Real-time order tracking / 实时订单跟踪", ("tracking", "跟踪"),
     {"O": 28, "M": 14, "A": 10, "I": 7, "Q": 1}),
    ("SECURE_PAY", "Secure payment / 安全支付", ("payment", "支付"),
     {"M": 34, "O": 14, "I": 8, "A": 3, "R": 1}),
    ("DARK_MODE", "Dark mode / 深色模式", ("dark mode", "深色"),
     {"I": 30, "A": 18, "O": 4, "M": 3, "R": 4, "Q": 1}),
    # A 22 vs I 20: 3.3 points apart, within the 6-point gap: A by M > O > A > I.
    ("VOICE_SEARCH", "Voice search / 语音搜索", ("voice", "语音"),
     {"A": 22, "I": 20, "O": 8, "M": 5, "R": 4, "Q": 1}),
    ("EXPORT", "Order history export / 订单历史导出", ("export", "导出"),
     {"I": 26, "A": 12, "M": 9, "O": 8, "R": 3, "Q": 2}),
    # O 21 vs M 19: within the gap, so the rule makes it M although O is more frequent.
    ("E_INVOICE", "Electronic invoices / 电子发票", ("invoice", "发票"),
     {"O": 21, "M": 19, "I": 12, "A": 6, "R": 1, "Q": 1}),
    ("AUTOPLAY", "Auto-play product videos / 商品视频自动播放", ("video", "视频"),
     {"R": 26, "I": 20, "A": 8, "O": 2, "M": 2, "Q": 2}),
)  # fmt: skip
# Every answer pair that the evaluation table maps to each category.
PAIRS: dict[str, list[tuple[str, str]]] = {
    category: [
        (functional.value, dysfunctional.value)
        for functional in analysis.ANSWERS
        for dysfunctional in analysis.ANSWERS
        if analysis.classify(functional, dysfunctional) == category
    ]
    for category in analysis.CATEGORIES
}
# How the answers arrived: the share form for most, then the API (the organisation's own people,
# each answering as themselves), then a CSV file.
CHANNELS = (("web", 40), ("api", 12), ("csv", 8))


def _requirement_for(session: Session, words: tuple[str, ...]) -> int | None:
    found = select(Requirement.id).where(or_(*(Requirement.title.ilike(f"%{w}%") for w in words)))
    return session.scalar(found.order_by(Requirement.id).limit(1))


def _respondents(rng: random.Random) -> list[str]:
    names, seen = NameSource(rng), set()
    chosen: list[str] = []
    while len(chosen) < RESPONDENTS:
        name = names.person().display_name
        if service.respondent_key(name) not in seen:
            seen.add(service.respondent_key(name))
            chosen.append(name)
    return chosen


def _answers(rng: random.Random) -> list[dict[str, dict[str, str]]]:
    """Per respondent, an answer pair per feature, so each feature gets its planted counts."""
    answers: list[dict[str, dict[str, str]]] = [{} for _ in range(RESPONDENTS)]
    for key, _name, _words, counts in FEATURES:
        categories = [c for c, count in counts.items() for _ in range(count)]
        rng.shuffle(categories)
        for respondent, category in zip(answers, categories, strict=True):
            functional, dysfunctional = rng.choice(PAIRS[category])
            respondent[key] = {"functional": functional, "dysfunctional": dysfunctional}
    return answers


def create_kano_survey(ctx: DemoContext) -> None:
    ctx.expect(RESPONDENTS)
    with ctx.db.session() as session:
        owner = session.scalar(select(User).where(User.username == "pm"))
        # The product manager persona runs the survey when the organisation step made one.
        actor = Actor(owner.id, owner.username, frozenset(owner.role_names)) if owner else ctx.actor
        features = [
            FeatureIn(key=key, name=name, requirement_id=_requirement_for(session, words))
            for key, name, words, _counts in FEATURES
        ]
        survey = service.create_survey(
            session,
            actor,
            SurveyCreate(
                name="Shop app features 2027 / 商城 App 2027 年功能调研",
                description="How 60 customers feel about eight candidate features of the shop "
                "app. 60 位顾客对商城 App 八项候选功能的看法。",
                features=features,
            ),
        )
        names, answers = _respondents(ctx.random), _answers(ctx.random)
        start = 0
        for channel, count in CHANNELS:
            indexes = list(range(start, start + count))
            if channel == "api":
                # Over the API each answer is a signed-in user's own: the organisation's people
                # answer; any left over when it has too few come through the share form.
                people = _api_respondents(session, count)
                for person, index in zip(people, indexes, strict=False):
                    service.submit_own_response(session, person, survey, answers[index])
                indexes, channel = indexes[len(people) :], "web"
            batch = [SubmittedResponse(names[i], answers[i]) for i in indexes]
            who = None if channel == "web" else actor  # the share form is anonymous
            if batch:
                service.submit_responses(session, who, survey, batch, channel)
            start += count
            ctx.advance(count)
        ctx.remember("kano_survey", survey.id)


def _api_respondents(session: Session, count: int) -> list[Actor]:
    """The first `count` active users who may answer over the API, as actors."""
    users = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id))
    actors = (Actor(u.id, u.username, frozenset(u.role_names)) for u in users)
    return list(islice((a for a in actors if a.can(KANO_RESPOND)), count))


register_step("kano", create_kano_survey, order=330)
