"""The canary judge: Kayenta's classifier cases, every classification by hand, group and summary
scores, the critical and half-no-data rules, thresholds, weights and refused configurations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmse.devops.canary import judge as judge_module
from tmse.devops.canary.judge import (
    CanaryConfigError,
    Classification,
    MetricInput,
    Recommendation,
    Verdict,
    classify_metric,
    judge,
)

# Samples of Kayenta's ClassifierSuite (spinnaker/kayenta, kayenta-judge tests).
KAYENTA_A = [
    9.7767343120109462, 10.587071850477695, 7.8375506388901766, 9.3243326886113884,
    8.3774505409784421, 8.9359264399606282, 8.2707663324728511, 9.7484308126716925,
    11.623746715547156, 9.2753442679633942, 8.1538047749171518, 10.562020975754294,
    13.498135575451835, 11.054419256110332, 6.9538903590055092, 12.521008342195479,
    9.0216358603546443, 4.9234856699531662, 11.251360203607172, 11.598449508040337,
    8.435232204668182, 11.110228516867279, 10.70063380164755, 8.9212773652115249,
    10.086167067942661, 11.42107515483087, 9.3792347813644952, 7.7980320148552593,
    10.62339807275746, 11.909642062063739,
]  # fmt: skip
KAYENTA_B = [
    11.1453586774086, 9.9618059885597017, 7.068574306369829, 7.3012661810483657,
    9.7944630265656727, 9.6037918603687302, 6.1867793350339388, 12.345599159550174,
    10.371891733859533, 8.6094300785016724, 9.913162673361084, 10.361375299003466,
    14.206800387518818, 10.946153754753301, 10.215876627044048, 11.739760899484603,
    10.907627468626439, 12.823353694464775, 8.1018609771732137, 8.4981616408804932,
    12.113441374697231, 13.272210809932028, 10.114579381663297, 6.9463958767978067,
    6.2105278541727778, 10.160401684903775, 8.3457712066455461, 8.383822063895833,
    7.0020205070083765, 10.755757401808442,
]  # fmt: skip
KAYENTA_HIGH = [
    20.878412601720026, 21.78550581191622, 19.70828084717019, 15.859946903461562,
    19.510058772176841, 19.392005525270303, 22.926528314912101, 17.156530276709894,
    18.655117916226171, 23.422607911610392, 24.055817684156644, 22.62689958516501,
    21.979472967817678, 21.659318607218694, 20.067707574072426, 22.119570836305414,
    16.44037132663307, 21.559622826341268, 21.000181443489218, 17.779369411412663,
    17.806006358943584, 18.537200618386109, 20.555550300210797, 19.552928184468378,
    21.771118944087092, 21.809622806176627, 20.961762909905271, 20.977571577503021,
    19.106303205498794, 16.976918966987078,
]  # fmt: skip
KAYENTA_LOW_BASELINE = [
    20.758113589510348, 22.802059629464559, 20.612340363492208, 20.973274654749986,
    23.469237330498622, 21.53133988954805, 21.767353687439805, 18.308050730374301,
    19.062145167827566, 25.879498436001779, 18.982629726336128, 19.387920182269266,
    18.995398251246982, 24.228420230932805, 20.050985172694688, 18.2340451091756,
    17.870515494460435, 23.058103863806618, 18.400259567501134, 16.971352091177167,
    19.467529066052151, 17.90465423342031, 17.553948617825831, 16.104611843907193,
    24.38171081433039, 15.919294339922635, 20.479409626304697, 19.08307201492406,
    17.455788050722866, 18.853826823235142,
]  # fmt: skip

BASE = [10.0, 11, 12, 13, 14, 15, 16, 17, 18, 19]
UP = [value + 10 for value in BASE]  # differences 10 + (i - j): 1..19, median 10
DOWN = [value - 10 for value in BASE]


def metric(name: str, baseline: list[float], canary: list[float], **config: object) -> MetricInput:
    return MetricInput(name, baseline, canary, **config)  # type: ignore[arg-type]


# --- Kayenta's own classifier cases (tolerance 0.10, confidence 0.95) ---------------------


@pytest.mark.parametrize(
    ("canary", "baseline", "config", "expected"),
    [
        (KAYENTA_A, KAYENTA_B, {}, "Pass"),
        (KAYENTA_HIGH, KAYENTA_B, {}, "High"),
        (KAYENTA_A, KAYENTA_LOW_BASELINE, {}, "Low"),
        (KAYENTA_A, KAYENTA_LOW_BASELINE, {"direction": "increase"}, "Pass"),
        (KAYENTA_HIGH, KAYENTA_B, {"direction": "decrease"}, "Pass"),
        (KAYENTA_HIGH, KAYENTA_B, {"direction": "increase"}, "High"),
        (KAYENTA_A, KAYENTA_LOW_BASELINE, {"direction": "decrease"}, "Low"),
        (
            [20.0, 22.0, 21.0, 25.0, 30.0],
            [1.0, 2.2, 1.1, 2.5, 3.0],
            {"allowed_decrease": 0.8, "allowed_increase": 1.2},
            "High",
        ),
        (
            KAYENTA_A,
            KAYENTA_LOW_BASELINE,
            {"direction": "decrease", "allowed_decrease": 0.8, "allowed_increase": 1.2},
            "Low",
        ),
        (
            # Means 67.8 / 5 and 118 / 5: ratio 67.8 / 118 = 0.575 is above the allowed 0.5.
            [10.0, 12.2, 10.1, 12.5, 23.0],
            [20.0, 22.0, 21.0, 25.0, 30.0],
            {"allowed_decrease": 0.5, "allowed_increase": 1.0},
            "Pass",
        ),
    ],
)
def test_kayenta_classifier_cases(
    canary: list[float], baseline: list[float], config: dict[str, object], expected: str
) -> None:
    result = classify_metric(metric("m", baseline, canary, **config), 0.10, 0.95)
    assert result.classification == expected


# --- each classification by hand ----------------------------------------------------------


def test_high_with_its_evidence() -> None:
    # Canary 20..29 against baseline 10..19: differences 10 + (i - j), 1 once ... 10 ten times
    # ... 19 once; cumulative 1, 3, 6, 10, 15, 21, ... Median 10. At 98 % R's rank is 20
    # (P(U <= 19) = 0.0093 < 0.01 <= P(U <= 20)), so the interval is D(20)..D(81) = 6..14,
    # above 0.25 * 10; mean ratio 24.5 / 14.5 = 1.69 >= 1.
    result = classify_metric(metric("latency", BASE, UP))
    assert result.classification == Classification.HIGH
    assert (result.estimate, result.low, result.high) == (10.0, 6.0, 14.0)
    assert (result.baseline_size, result.canary_size) == (10, 10)
    assert (result.baseline_mean, result.canary_mean) == (14.5, 24.5)
    assert result.effect_ratio == pytest.approx(24.5 / 14.5)
    assert result.u_statistic == 100.0
    # Both samples above 8 values: normal approximation, sigma = sqrt(10 * 10 * 21 / 12),
    # z = (100 - 50 - 0.5) / sigma = 3.742, two-sided p = erfc(z / sqrt(2)).
    z = 49.5 / math.sqrt(175)
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert result.reason.id == "High: canary above baseline by {shift} (CI {low}..{high})"
    assert result.reason.params == {"shift": 10.0, "low": 6.0, "high": 14.0}
    assert result.reason.text == "High: canary above baseline by 10 (CI 6..14)"


def test_low_mirrors_high() -> None:
    result = classify_metric(metric("throughput", BASE, DOWN))
    assert result.classification == Classification.LOW
    assert (result.estimate, result.low, result.high) == (-10.0, -14.0, -6.0)
    assert result.reason.text == "Low: canary below baseline by 10 (CI -14..-6)"


def test_a_rise_of_no_concern_passes() -> None:
    result = classify_metric(metric("cache hits", BASE, UP, direction="decrease"))
    assert result.classification == Classification.PASS
    assert result.reason.id == judge_module.UP_NOT_A_CONCERN


def test_a_rise_within_the_allowed_increase_passes() -> None:
    # Mean ratio 24.5 / 14.5 = 1.69 is below an allowed increase of 1.7.
    result = classify_metric(metric("cpu", BASE, UP, allowed_increase=1.7))
    assert result.classification == Classification.PASS
    assert (
        result.reason.text == "Pass: canary above baseline, mean ratio 1.69 within the allowed 1.7"
    )
    # ... and at exactly the allowed ratio it is High (Kayenta compares with >=).
    exact = classify_metric(metric("cpu", BASE, UP, allowed_increase=24.5 / 14.5))
    assert exact.classification == Classification.HIGH


def test_a_fall_within_the_allowed_decrease_passes() -> None:
    # Mean ratio 4.5 / 14.5 = 0.31 is above an allowed decrease of 0.3.
    result = classify_metric(metric("rps", BASE, DOWN, allowed_decrease=0.3))
    assert result.classification == Classification.PASS
    assert result.reason.id == judge_module.DOWN_WITHIN_ALLOWED


def test_a_shift_inside_the_tolerance_band_passes() -> None:
    # Canary = baseline + 1: estimate 1, the interval reaches below 0.25 and above 1.
    result = classify_metric(metric("m", BASE, [value + 1 for value in BASE]))
    assert result.classification == Classification.PASS
    assert result.reason.id == judge_module.WITHIN
    assert result.low is not None and result.low <= 0.25


def test_tolerance_widens_the_band() -> None:
    # With tolerance 0.7 the band is 7 and the interval 6..14 is no longer wholly above it.
    assert classify_metric(metric("m", BASE, UP), tolerance=0.7).classification == "Pass"


def test_identical_and_single_valued_samples_pass() -> None:
    same = classify_metric(metric("m", [3.0, 1.0, 2.0], [1.0, 2.0, 3.0]))
    assert (same.classification, same.reason.id, same.effect_ratio) == (
        "Pass",
        judge_module.IDENTICAL,
        1.0,
    )
    flat = classify_metric(metric("m", [5.0] * 3, [5.0] * 4))
    assert (flat.classification, flat.reason.text) == ("Pass", "Pass: every value is 5")


def test_two_constant_samples_classify_without_noise() -> None:
    result = classify_metric(metric("m", [5.0] * 30, [9.0] * 30))
    assert (result.classification, result.estimate, result.low, result.high) == ("High", 4, 4, 4)


def test_zero_baseline_mean_gives_ratio_one() -> None:
    result = classify_metric(metric("errors", [-1.0, 0.0, 1.0], [5.0, 6.0, 7.0]))
    assert result.effect_ratio == 1.0


@pytest.mark.parametrize(
    ("baseline", "canary", "sample"),
    [([], [1.0], "baseline"), ([1.0], [], "canary"), ([], [], "baseline and canary")],
)
def test_empty_sample_is_no_data(baseline: list[float], canary: list[float], sample: str) -> None:
    result = classify_metric(metric("m", baseline, canary))
    assert result.classification == Classification.NO_DATA
    assert result.reason.params == {"sample": sample}
    assert not result.counted and not result.failed
    required = classify_metric(metric("m", baseline, canary, must_have_data=True))
    assert required.reason.id == judge_module.NO_DATA_REQUIRED
    assert required.counted and required.failed


# --- scores, verdicts and weights -----------------------------------------------------------


def test_weighted_groups_make_the_summary() -> None:
    # latency: Pass, Pass, High -> 100 * 2/3; errors: Pass -> 100.
    # Weights 3 and 1 normalise to 0.75 and 0.25: 0.75 * 66.67 + 0.25 * 100 = 75 -> Pass.
    result = judge(
        [
            metric("p50", BASE, BASE, group="latency"),
            metric("p90", BASE, BASE, group="latency"),
            metric("p99", BASE, UP, group="latency"),
            metric("5xx", BASE, BASE, group="errors"),
        ],
        group_weights={"latency": 3, "errors": 1},
    )
    latency, errors = result.groups
    assert (latency.name, latency.weight) == ("latency", 0.75)
    assert latency.score == pytest.approx(200 / 3)
    assert (errors.name, errors.score, errors.weight) == ("errors", 100.0, 0.25)
    assert result.score == pytest.approx(75.0)
    assert (result.verdict, result.recommendation) == (Verdict.PASS, Recommendation.PROMOTE)
    assert result.reason.params == {"groups": 2}


def test_equal_weights_without_a_weight_table() -> None:
    # Same metrics, equal weights: (66.67 + 100) / 2 = 83.33.
    result = judge(
        [
            metric("p50", BASE, BASE, group="latency"),
            metric("p90", BASE, BASE, group="latency"),
            metric("p99", BASE, UP, group="latency"),
            metric("5xx", BASE, BASE, group="errors"),
        ]
    )
    assert result.score == pytest.approx(250 / 3)


@pytest.mark.parametrize(
    ("pass_threshold", "marginal_threshold", "verdict", "recommendation"),
    [
        (66.0, 50.0, "Pass", "promote"),  # score 66.67 (2 of 3 pass) >= 66
        (67.0, 50.0, "Marginal", "hold"),  # 66.67 < 67 but >= 50
        (90.0, 66.0, "Marginal", "hold"),
        (90.0, 67.0, "Fail", "roll back"),  # 66.67 < 67
    ],
)
def test_thresholds_decide_the_verdict(
    pass_threshold: float, marginal_threshold: float, verdict: str, recommendation: str
) -> None:
    metrics = [metric("a", BASE, BASE), metric("b", BASE, BASE), metric("c", BASE, UP)]
    result = judge(metrics, pass_threshold=pass_threshold, marginal_threshold=marginal_threshold)
    assert result.score == pytest.approx(200 / 3)
    assert (result.verdict, result.recommendation) == (verdict, recommendation)


def test_no_data_not_required_is_not_counted() -> None:
    # Pass, Pass, NoData: 1 of 3 without data (< half); counted 2, both pass -> 100.
    metrics = [metric("a", BASE, BASE), metric("b", BASE, BASE), metric("c", BASE, [])]
    result = judge(metrics)
    assert (result.groups[0].counted, result.groups[0].metrics, result.score) == (2, 3, 100.0)
    # Required: counted 3, 2 pass -> 66.67, Marginal.
    metrics[2] = metric("c", BASE, [], must_have_data=True)
    required = judge(metrics)
    assert required.score == pytest.approx(200 / 3)
    assert required.verdict == Verdict.MARGINAL


def test_half_of_the_metrics_without_data_scores_zero() -> None:
    # 2 of 4 metrics have no data: 2 * 2 >= 4.
    metrics = [
        metric("a", BASE, BASE),
        metric("b", BASE, BASE),
        metric("c", [], BASE),
        metric("d", BASE, []),
    ]
    result = judge(metrics)
    assert (result.score, result.verdict, result.recommendation) == (0.0, "Fail", "roll back")
    assert result.reason.text == "Score 0: 2 of 4 metrics have no data"
    # One fewer without data (1 of 4) and the score is the passes: 3 of 3 counted.
    metrics[3] = metric("d", BASE, BASE)
    assert judge(metrics).score == 100.0


@pytest.mark.parametrize(
    ("failing", "must_have_data"),
    [(UP, False), (DOWN, False), ([], True)],
)
def test_a_failing_critical_metric_scores_zero(failing: list[float], must_have_data: bool) -> None:
    metrics = [metric(name, BASE, BASE) for name in "abcdefg"]
    metrics.append(metric("crit", BASE, failing, critical=True, must_have_data=must_have_data))
    result = judge(metrics)  # without the critical rule: 7 of 8 pass, 87.5
    assert result.score == 0.0
    assert result.verdict == Verdict.FAIL
    assert result.reason.id == judge_module.CRITICAL_FAILED
    assert result.reason.params["metric"] == "crit"


def test_a_forced_zero_fails_even_with_zero_thresholds() -> None:
    metrics = [metric("a", BASE, BASE), metric("crit", BASE, UP, critical=True)]
    result = judge(metrics, pass_threshold=0, marginal_threshold=0)
    assert (result.score, result.verdict, result.recommendation) == (0.0, "Fail", "roll back")


def test_critical_metric_without_data_not_required_does_not_fail() -> None:
    metrics = [metric(name, BASE, BASE) for name in "abc"]
    metrics.append(metric("crit", BASE, [], critical=True))
    assert judge(metrics).score == 100.0


def test_a_group_with_zero_weight_does_not_count() -> None:
    metrics = [metric("a", BASE, UP, group="noise"), metric("b", BASE, BASE, group="core")]
    result = judge(metrics, group_weights={"noise": 0, "core": 2})
    assert result.score == 100.0


def test_a_group_without_counted_metrics_gives_its_weight_to_the_others() -> None:
    # "extra" holds only a NoData metric (1 of 3 without data): core's 50 is the summary.
    metrics = [
        metric("a", BASE, UP, group="core"),
        metric("b", BASE, BASE, group="core"),
        metric("c", BASE, [], group="extra"),
    ]
    result = judge(metrics, group_weights={"core": 1, "extra": 9})
    assert result.groups[1].score is None
    assert result.score == 50.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["pass", "high", "low", "none"]), min_size=1, max_size=12))
def test_score_is_the_share_of_passes_in_one_group(kinds: list[str]) -> None:
    samples = {"pass": BASE, "high": UP, "low": DOWN, "none": []}
    metrics = [metric(f"m{i}", BASE, samples[kind]) for i, kind in enumerate(kinds)]
    result = judge(metrics)
    counted = [kind for kind in kinds if kind != "none"]
    if 2 * (len(kinds) - len(counted)) >= len(kinds):
        assert result.score == 0.0
    else:
        assert result.score == pytest.approx(100 * counted.count("pass") / len(counted))
    assert 0 <= result.score <= 100


# --- refused configurations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"confidence": 0}, "confidence"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": math.nan}, "confidence"),
        ({"tolerance": -0.1}, "tolerance"),
        ({"tolerance": math.inf}, "tolerance"),
        ({"pass_threshold": 101}, "pass_threshold"),
        ({"marginal_threshold": -1}, "marginal_threshold"),
        ({"pass_threshold": 60, "marginal_threshold": 70}, "marginal_threshold"),
        ({"pass_threshold": "75"}, "pass_threshold"),
        ({"group_weights": {"default": -1}}, "group_weights.default"),
        ({"group_weights": {"default": math.nan}}, "group_weights.default"),
        ({"group_weights": {"default": 0}}, "group_weights"),
        ({"group_weights": {"default": 1, "other": 1}}, "group_weights.other"),
        ({"group_weights": {}}, "group_weights.default"),
        ({"group_weights": [1]}, "group_weights"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(CanaryConfigError) as caught:
        judge([metric("a", BASE, BASE)], **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"baseline": [1.0, math.nan]}, "metrics[1].baseline[1]"),
        ({"canary": [math.inf]}, "metrics[1].canary[0]"),
        ({"canary": "1,2"}, "metrics[1].canary"),
        ({"direction": "up"}, "metrics[1].direction"),
        ({"allowed_increase": 0.9}, "metrics[1].allowed_increase"),
        ({"allowed_decrease": 1.1}, "metrics[1].allowed_decrease"),
        ({"allowed_decrease": math.nan}, "metrics[1].allowed_decrease"),
        ({"critical": "yes"}, "metrics[1].critical"),
        ({"must_have_data": 1}, "metrics[1].must_have_data"),
        ({"group": ""}, "metrics[1].group"),
        ({"name": " "}, "metrics[1].name"),
        ({"name": "a"}, "metrics[1].name"),  # the same name twice
    ],
)
def test_bad_metrics_are_refused(config: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"name": "b", "baseline": BASE, "canary": BASE, **config}
    with pytest.raises(CanaryConfigError) as caught:
        judge([metric("a", BASE, BASE), MetricInput(**values)])  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("metrics", [[], "ab", None, [{"name": "a"}]])
def test_metrics_must_be_a_list_of_metric_inputs(metrics: object) -> None:
    with pytest.raises(CanaryConfigError) as caught:
        judge(metrics)  # type: ignore[arg-type]
    assert caught.value.field in ("metrics", "metrics[0]")


def test_error_names_field_and_keeps_message_and_params() -> None:
    with pytest.raises(CanaryConfigError) as caught:
        judge([metric("a", BASE, BASE)], pass_threshold=60, marginal_threshold=70)
    error = caught.value
    assert (error.message, error.params) == (
        "must not exceed the pass threshold {limit}",
        {"limit": 60},
    )
    assert str(error) == "marginal_threshold: must not exceed the pass threshold 60"
