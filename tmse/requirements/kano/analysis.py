"""Kano classification: the 5×5 evaluation table, a feature's category, Better/Worse, category
strength, total strength and Fong's significance test. Plain data in, plain results out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Answer(StrEnum):
    """The five answers to each question of the functional/dysfunctional pair."""

    LIKE = "like"
    EXPECT = "expect"  # "I expect it", "must-be"
    NEUTRAL = "neutral"
    TOLERATE = "tolerate"  # "I can live with it"
    DISLIKE = "dislike"


class Category(StrEnum):
    ATTRACTIVE = "A"
    ONE_DIMENSIONAL = "O"
    MUST_BE = "M"
    INDIFFERENT = "I"
    REVERSE = "R"
    QUESTIONABLE = "Q"


ANSWERS: tuple[Answer, ...] = tuple(Answer)
CATEGORIES: tuple[str, ...] = ("A", "O", "M", "I", "R", "Q")
# The M > O > A > I rule, extended with R and Q last so that any exact tie has one answer.
PRECEDENCE: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")
RULE_CATEGORIES = frozenset({"M", "O", "A", "I"})
DEFAULT_GAP = 6.0  # percentage points of the answers
FONG_Z = 1.65  # one-sided 95 %

# Berger et al. (1993): rows are the functional answer, columns the dysfunctional answer, both
# in the order like, expect, neutral, tolerate, dislike.
EVALUATION_TABLE: tuple[tuple[str, ...], ...] = (
    ("Q", "A", "A", "A", "O"),  # like
    ("R", "I", "I", "I", "M"),  # expect
    ("R", "I", "I", "I", "M"),  # neutral
    ("R", "I", "I", "I", "M"),  # tolerate
    ("R", "R", "R", "R", "Q"),  # dislike
)

# Other spellings accepted on input (CSV files, forms), including the usual Chinese wording.
ALIASES: dict[str, Answer] = {
    "must-be": Answer.EXPECT,
    "must be": Answer.EXPECT,
    "mustbe": Answer.EXPECT,
    "live-with": Answer.TOLERATE,
    "live with": Answer.TOLERATE,
    "喜欢": Answer.LIKE,
    "理应如此": Answer.EXPECT,
    "应该的": Answer.EXPECT,
    "无所谓": Answer.NEUTRAL,
    "能忍受": Answer.TOLERATE,
    "可以忍受": Answer.TOLERATE,
    "不喜欢": Answer.DISLIKE,
}


def parse_answer(value: object) -> Answer | None:
    """The answer a text names (case-insensitive, aliases allowed), or None if it names none."""
    text = str(value).strip().lower() if value is not None else ""
    try:
        return Answer(text)
    except ValueError:
        return ALIASES.get(text)


def classify(functional: Answer | str, dysfunctional: Answer | str) -> str:
    """The category (A, O, M, I, R or Q) of one answer pair."""
    row = ANSWERS.index(Answer(functional))
    column = ANSWERS.index(Answer(dysfunctional))
    return EVALUATION_TABLE[row][column]


def count_categories(pairs: Iterable[tuple[Answer | str, Answer | str]]) -> dict[str, int]:
    """Counts of A, O, M, I, R and Q over answer pairs (every category present, maybe 0)."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for functional, dysfunctional in pairs:
        counts[classify(functional, dysfunctional)] += 1
    return counts


@dataclass(frozen=True)
class FeatureResult:
    counts: dict[str, int]
    n: int
    percentages: dict[str, float]
    category: str | None
    # The two most frequent categories (by count, ties in M, O, A, I, R, Q order).
    top: str | None
    second: str | None
    # True when the top two were within the gap and the M > O > A > I rule chose.
    tie_rule_applied: bool
    better: float | None
    worse: float | None
    category_strength: float | None  # % top - % second, percentage points
    total_strength: float | None  # %A + %O + %M
    fong_threshold: float | None
    significant: bool


def _ranked(counts: Mapping[str, int]) -> list[str]:
    return sorted(CATEGORIES, key=lambda c: (-counts.get(c, 0), PRECEDENCE.index(c)))


def better_worse(counts: Mapping[str, int]) -> tuple[float | None, float | None]:
    """Better = (A+O)/(A+O+M+I), Worse = -(O+M)/(A+O+M+I); None when no A, O, M or I."""
    a, o, m, i = (counts.get(c, 0) for c in ("A", "O", "M", "I"))
    denominator = a + o + m + i
    if denominator == 0:
        return None, None
    return (a + o) / denominator, -(o + m) / denominator


def fong_threshold(a: int, b: int, n: int) -> float:
    """1.65·sqrt((a+b)(2n−a−b)/(2n)): the least difference of a and b that is significant."""
    return FONG_Z * math.sqrt((a + b) * (2 * n - a - b) / (2 * n))


def fong_significant(a: int, b: int, n: int) -> bool:
    """Fong's test: the two most frequent categories differ significantly when
    |a − b| ≥ 1.65·sqrt((a+b)(2n−a−b)/(2n))."""
    if n <= 0:
        return False
    return abs(a - b) >= fong_threshold(a, b, n)


def evaluate(counts: Mapping[str, int], gap: float = DEFAULT_GAP) -> FeatureResult:
    """Everything the results table shows for one feature, from its category counts."""
    # The category is the most frequent of all six; when the top two are within `gap`
    # percentage points of the answers (inclusive) and both are among M, O, A, I, the one
    # earlier in M > O > A > I is chosen.
    full = {c: int(counts.get(c, 0)) for c in CATEGORIES}
    n = sum(full.values())
    better, worse = better_worse(full)
    if n == 0:
        return FeatureResult(
            counts=full,
            n=0,
            percentages=dict.fromkeys(CATEGORIES, 0.0),
            category=None,
            top=None,
            second=None,
            tie_rule_applied=False,
            better=better,
            worse=worse,
            category_strength=None,
            total_strength=None,
            fong_threshold=None,
            significant=False,
        )
    percentages = {c: 100.0 * full[c] / n for c in CATEGORIES}
    top, second = _ranked(full)[:2]
    difference = percentages[top] - percentages[second]
    category, tie_rule = top, False
    if difference <= gap and top in RULE_CATEGORIES and second in RULE_CATEGORIES:
        category = min(top, second, key=PRECEDENCE.index)
        tie_rule = True
    return FeatureResult(
        counts=full,
        n=n,
        percentages=percentages,
        category=category,
        top=top,
        second=second,
        tie_rule_applied=tie_rule,
        better=better,
        worse=worse,
        category_strength=difference,
        total_strength=percentages["A"] + percentages["O"] + percentages["M"],
        fong_threshold=fong_threshold(full[top], full[second], n),
        significant=fong_significant(full[top], full[second], n),
    )


def evaluate_pairs(
    pairs: Iterable[tuple[Answer | str, Answer | str]], gap: float = DEFAULT_GAP
) -> FeatureResult:
    """`evaluate` over raw answer pairs."""
    return evaluate(count_categories(pairs), gap)
