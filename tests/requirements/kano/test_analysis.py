"""The Kano analysis by hand: every cell of the evaluation table, categories with and without
the M > O > A > I rule, Better/Worse, strengths and Fong's test; then properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmse.requirements.kano import analysis
from tmse.requirements.kano.analysis import Answer, classify, evaluate, parse_answer

L, E, N, T, D = "like", "expect", "neutral", "tolerate", "dislike"

# Berger et al. 1993, written out cell by cell: (functional, dysfunctional) -> category.
TABLE = {
    (L, L): "Q", (L, E): "A", (L, N): "A", (L, T): "A", (L, D): "O",
    (E, L): "R", (E, E): "I", (E, N): "I", (E, T): "I", (E, D): "M",
    (N, L): "R", (N, E): "I", (N, N): "I", (N, T): "I", (N, D): "M",
    (T, L): "R", (T, E): "I", (T, N): "I", (T, T): "I", (T, D): "M",
    (D, L): "R", (D, E): "R", (D, N): "R", (D, T): "R", (D, D): "Q",
}  # fmt: skip


@pytest.mark.parametrize(("functional", "dysfunctional"), sorted(TABLE))
def test_every_cell_of_the_evaluation_table(functional: str, dysfunctional: str) -> None:
    assert classify(functional, dysfunctional) == TABLE[(functional, dysfunctional)]


def test_the_table_has_25_cells_and_each_category_where_expected() -> None:
    assert len(TABLE) == 25
    tally = {c: list(TABLE.values()).count(c) for c in analysis.CATEGORIES}
    # A: like with expect/neutral/tolerate; O: like/dislike; M: three rows end in dislike;
    # I: the 3×3 middle block; R: first column below like, plus dislike row; Q: two corners.
    assert tally == {"A": 3, "O": 1, "M": 3, "I": 9, "R": 7, "Q": 2}


def test_answers_are_read_case_insensitively_with_aliases() -> None:
    assert parse_answer(" Like ") is Answer.LIKE
    assert parse_answer("must-be") is Answer.EXPECT
    assert parse_answer("live with") is Answer.TOLERATE
    assert parse_answer("理应如此") is Answer.EXPECT
    assert parse_answer("不喜欢") is Answer.DISLIKE
    assert parse_answer("love") is None
    assert parse_answer(None) is None
    assert parse_answer("") is None


def test_a_clear_attractive_feature() -> None:
    # n = 20: A 10 (50 %), O 5 (25 %), M 3 (15 %), I 2 (10 %).
    result = evaluate({"A": 10, "O": 5, "M": 3, "I": 2})
    assert result.n == 20
    # top two A and O differ by 50 − 25 = 25 points > 6: the most frequent, A, stands.
    assert (result.top, result.second, result.category) == ("A", "O", "A")
    assert result.tie_rule_applied is False
    assert result.better == pytest.approx(0.75)  # (10 + 5) / 20
    assert result.worse == pytest.approx(-0.4)  # −(5 + 3) / 20
    assert result.category_strength == pytest.approx(25.0)
    assert result.total_strength == pytest.approx(90.0)  # 50 + 25 + 15
    # Fong: 1.65·sqrt(15·(40 − 15)/40) = 1.65·sqrt(9.375) = 1.65·3.06186 = 5.0521; |10 − 5| = 5
    assert result.fong_threshold == pytest.approx(5.0521, abs=1e-4)
    assert result.significant is False
    assert result.counts == {"A": 10, "O": 5, "M": 3, "I": 2, "R": 0, "Q": 0}


def test_top_two_within_the_gap_take_the_earlier_of_m_o_a_i() -> None:
    # n = 50: O 16 (32 %), M 14 (28 %), A 10, I 10. 32 − 28 = 4 ≤ 6: M beats O.
    result = evaluate({"O": 16, "M": 14, "A": 10, "I": 10})
    assert (result.top, result.second) == ("O", "M")
    assert result.category == "M"
    assert result.tie_rule_applied is True
    assert result.better == pytest.approx(0.52)  # (10 + 16) / 50
    assert result.worse == pytest.approx(-0.6)  # −(16 + 14) / 50
    assert result.category_strength == pytest.approx(4.0)
    assert result.total_strength == pytest.approx(80.0)  # 20 + 32 + 28
    # 1.65·sqrt(30·(100 − 30)/100) = 1.65·sqrt(21) = 7.561 > |16 − 14| = 2
    assert result.significant is False
    # A gap of 3 points leaves the most frequent, O.
    assert evaluate({"O": 16, "M": 14, "A": 10, "I": 10}, gap=3).category == "O"


def test_the_gap_is_inclusive_and_configurable() -> None:
    # n = 50: I 18 (36 %), A 15 (30 %), M 10, O 7: exactly 6 points apart.
    counts = {"I": 18, "A": 15, "M": 10, "O": 7}
    assert evaluate(counts).category == "A"  # 6 ≤ 6: A precedes I
    assert evaluate(counts, gap=5.9).category == "I"


def test_an_exact_tie_is_decided_by_the_rule() -> None:
    # A 5, O 5: ranked O, A (O precedes A); 0 points apart; O.
    result = evaluate({"A": 5, "O": 5})
    assert (result.top, result.second, result.category) == ("O", "A", "O")
    assert result.category_strength == 0


def test_reverse_on_top_is_not_overruled() -> None:
    # n = 25: R 12 (48 %), I 10 (40 %), Q 3. The rule only chooses among M, O, A, I.
    result = evaluate({"R": 12, "I": 10, "Q": 3}, gap=10)
    assert result.category == "R"
    assert result.tie_rule_applied is False
    # A + O + M + I = 10, all I: Better 0 / 10, Worse −0 / 10.
    assert result.better == 0.0
    assert result.worse == 0.0
    assert result.total_strength == 0.0


def test_a_significant_must_be() -> None:
    # n = 50: M 30, O 10, A 5, I 5. 1.65·sqrt(40·(100 − 40)/100) = 1.65·sqrt(24) = 8.083
    # and |30 − 10| = 20 ≥ 8.083: significant.
    result = evaluate({"M": 30, "O": 10, "A": 5, "I": 5})
    assert result.category == "M"
    assert result.significant is True
    assert result.fong_threshold == pytest.approx(1.65 * math.sqrt(24))
    assert result.better == pytest.approx(0.3)  # (5 + 10) / 50
    assert result.worse == pytest.approx(-0.8)  # −(10 + 30) / 50
    assert result.category_strength == pytest.approx(40.0)  # 60 − 20


def test_fong_at_its_threshold() -> None:
    # a = 9, b = 1, n = 10: 1.65·sqrt(10·10/20) = 1.65·sqrt(5) = 3.689; 8 ≥ 3.689.
    assert analysis.fong_significant(9, 1, 10) is True
    # a = 4, b = 1, n = 5: 1.65·sqrt(5·5/10) = 1.65·1.5811 = 2.609; 3 ≥ 2.609.
    assert analysis.fong_significant(4, 1, 5) is True
    # a = 3, b = 2, n = 5: 1.65·sqrt(5·5/10) = 2.609; 1 < 2.609.
    assert analysis.fong_significant(3, 2, 5) is False
    assert analysis.fong_significant(0, 0, 0) is False


def test_no_answers_and_only_questionable_answers() -> None:
    empty = evaluate({})
    assert (empty.n, empty.category, empty.better, empty.worse) == (0, None, None, None)
    assert empty.significant is False and empty.category_strength is None
    # Q 4: nothing in A + O + M + I, so Better and Worse are undefined.
    only_q = evaluate({"Q": 4})
    assert only_q.category == "Q"
    assert (only_q.better, only_q.worse) == (None, None)
    assert only_q.total_strength == 0.0


def test_pairs_are_counted_through_the_table() -> None:
    # like/dislike → O, like/neutral → A, neutral/dislike → M twice, like/like → Q
    result = analysis.evaluate_pairs([(L, D), (L, N), (N, D), (T, D), (L, L)])
    assert result.counts == {"A": 1, "O": 1, "M": 2, "I": 0, "R": 0, "Q": 1}
    # M 40 %, then O 20 % (O precedes A at 1 each): 20 points apart, M.
    assert (result.top, result.second, result.category) == ("M", "O", "M")


answer = st.sampled_from(list(Answer))


@given(st.lists(st.tuples(answer, answer), max_size=200), st.floats(0, 100))
def test_properties_hold_for_any_answers(pairs: list[tuple[Answer, Answer]], gap: float) -> None:
    result = analysis.evaluate_pairs(pairs, gap)
    assert sum(result.counts.values()) == result.n == len(pairs)
    if result.better is not None:
        assert 0.0 <= result.better <= 1.0
    if result.worse is not None:
        assert -1.0 <= result.worse <= 0.0
    if pairs:
        assert result.category in (result.top, result.second)
        assert result.counts[result.top] == max(result.counts.values())
        assert 0.0 <= result.category_strength <= 100.0
        assert 0.0 <= result.total_strength <= 100.0 + 1e-9
        assert sum(result.percentages.values()) == pytest.approx(100.0)
    else:
        assert result.category is None
