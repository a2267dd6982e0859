"""The pure classification rules, without a database."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ladoga.analytics import classification_rules as rules
from ladoga.sales import rules as sales_rules

D = Decimal
ABC = {"a": D("80"), "b": D("15")}


def test_abc_the_client_crossing_a_line_is_in_the_class_above_it():
    assert rules.abc_classes({1: D("90"), 2: D("10")}, **ABC) == {1: "A", 2: "B"}
    assert rules.abc_classes({1: D("100")}, **ABC) == {1: "A"}


def test_abc_a_client_starting_exactly_on_a_line_is_in_the_class_below():
    # Before "b" exactly 80 % is taken, before "c" exactly 95 %.
    assert rules.abc_classes({"a": D("80"), "b": D("15"), "c": D("5")}, **ABC) == {
        "a": "A",
        "b": "B",
        "c": "C",
    }


def test_abc_ties_at_a_threshold_share_the_class_of_the_first():
    assert rules.abc_classes({"x": D("40"), "y": D("40"), "z": D("20")}, **ABC) == {
        "x": "A",
        "y": "A",
        "z": "B",
    }
    # The tie straddles the 80 % line: both are A although the second starts past it.
    tied = {"big": D("70"), "p": D("15"), "q": D("15")}
    assert rules.abc_classes(tied, **ABC) == {"big": "A", "p": "A", "q": "A"}


def test_abc_nothing_or_negative_is_c():
    assert rules.abc_classes({}, **ABC) == {}
    assert rules.abc_classes({1: D("-150"), 2: D("0"), 3: D("10")}, **ABC) == {
        1: "C",
        2: "C",
        3: "A",
    }


def test_abc_other_thresholds():
    values = {k: D(v) for k, v in zip("abcd", ["50", "30", "15", "5"], strict=True)}
    assert rules.abc_classes(values, a=D("50"), b=D("30")) == {
        "a": "A",
        "b": "B",
        "c": "C",
        "d": "C",
    }


@settings(deadline=None)  # a shared, busy machine: no per-example deadline
@given(
    st.dictionaries(
        st.integers(0, 50), st.decimals(-100, 10_000, places=2, allow_nan=False), max_size=30
    )
)
def test_abc_default_thresholds_agree_with_the_sales_rule(values):
    assert rules.abc_classes(values, **ABC) == sales_rules.abc_classes(values)


def test_cv_counts_months_without_purchases_as_zero():
    assert rules.coefficient_of_variation([D("100")] * 12) == 0
    assert rules.coefficient_of_variation([D("150"), D("0")] * 6) == 100
    once = rules.coefficient_of_variation([D("300")] + [D("0")] * 11)
    assert round(once, 2) == D("331.66")
    assert rules.coefficient_of_variation([D("0")] * 12) is None
    assert rules.coefficient_of_variation([D("100"), D("-250")]) is None


@settings(deadline=None)
@given(st.lists(st.integers(-50_000, 10_000_000), min_size=1, max_size=36))
def test_cv_from_sums_of_kopecks_is_the_cv_of_the_series(kopecks):
    """The recomputation's sums (Σx, Σx² in kopecks) give the series' own variation."""
    series = [D(k) / 100 for k in kopecks]
    direct = rules.coefficient_of_variation(series)
    from_sums = rules.variation_of_sums(sum(kopecks), sum(k * k for k in kopecks), len(kopecks))
    if direct is None:
        assert from_sums is None
    else:
        assert round(from_sums, 6) == round(direct, 6)


def test_cv_from_sums_on_the_x_limit_is_exact():
    # 110 and 90 kopecks in turn: exactly 10 %, which is still X
    cv = rules.variation_of_sums(1200, 6 * 110 * 110 + 6 * 90 * 90, 12)
    assert cv == 10
    assert rules.xyz_class(cv, x=D("10"), y=D("25")) == "X"


def test_xyz_limits_belong_to_the_class_below_them():
    limits = {"x": D("10"), "y": D("25")}
    assert rules.xyz_class(D("10"), **limits) == "X"
    assert rules.xyz_class(D("10.01"), **limits) == "Y"
    assert rules.xyz_class(D("25"), **limits) == "Y"
    assert rules.xyz_class(D("25.01"), **limits) == "Z"
    assert rules.xyz_class(None, **limits) == ""


def test_quintiles_give_ties_the_same_score():
    assert rules.quintiles({k: v for k, v in enumerate([1, 2, 3, 4, 5])}) == {
        0: 1,
        1: 2,
        2: 3,
        3: 4,
        4: 5,
    }
    assert set(rules.quintiles(dict.fromkeys(range(7), 3)).values()) == {5}
    # Four tied at the top all score 5, the one below 1.
    assert rules.quintiles({"a": 9, "b": 9, "c": 9, "d": 9, "e": 1}) == dict(
        a=5, b=5, c=5, d=5, e=1
    )
    # Fewer days since the last purchase is better.
    assert rules.quintiles({"new": 1, "old": 300}, higher_is_better=False) == {"new": 5, "old": 3}


@settings(deadline=None)  # a shared, busy machine: no per-example deadline
@given(st.dictionaries(st.integers(0, 100), st.integers(0, 50), min_size=1, max_size=60))
def test_quintiles_are_monotonic_and_in_range(values):
    scores = rules.quintiles(values)
    assert set(scores.values()) <= {1, 2, 3, 4, 5}
    for a in values:
        for b in values:
            if values[a] < values[b]:
                assert scores[a] <= scores[b]


def test_rfm_segments():
    assert rules.rfm_segment(5, 5, 1) == "champions"
    assert rules.rfm_segment(3, 4, 5) == "loyal"
    assert rules.rfm_segment(5, 1, 1) == "promising"
    assert rules.rfm_segment(2, 4, 5) == "at_risk"
    assert rules.rfm_segment(1, 2, 2) == "lost"
    assert rules.rfm_segment(2, 1, 3) == "hibernating"
    assert rules.rfm_segment(3, 2, 3) == "need_attention"


def test_stopped_buying_after_more_than_n_usual_intervals():
    first, last = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)  # 4 days: every 10
    kwargs = {"first": first, "last": last, "purchase_days": 4, "factor": D("3")}
    assert not rules.stopped_buying(today=last + datetime.timedelta(days=30), **kwargs)
    assert rules.stopped_buying(today=last + datetime.timedelta(days=31), **kwargs)
    # One purchase: no usual interval, never listed.
    assert not rules.stopped_buying(
        first=first, last=first, purchase_days=1, today=datetime.date(2030, 1, 1), factor=D("3")
    )


def test_bcg_quadrants():
    kwargs = {"growth_split": D("10"), "share_split": D("0.5")}
    assert rules.bcg_quadrant(growth=D("10"), relative_share=D("0.5"), **kwargs) == "stars"
    assert rules.bcg_quadrant(growth=D("9.9"), relative_share=D("1"), **kwargs) == "cash_cows"
    assert rules.bcg_quadrant(growth=None, relative_share=D("0.1"), **kwargs) == "question_marks"
    assert rules.bcg_quadrant(growth=D("-50"), relative_share=D("0.49"), **kwargs) == "dogs"
    assert rules.growth_percent(D("150"), D("100")) == 50
    assert rules.growth_percent(D("150"), D("0")) is None


def test_months_between():
    assert rules.months_between(datetime.date(2026, 2, 28), 3) == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
