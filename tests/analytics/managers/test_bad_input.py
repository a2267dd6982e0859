"""Bad filters of the analytics reports: each is refused with its message, names its field,
and computes nothing; a manager or department the user may not see answers 404."""

import pytest
from django.http import Http404

from ladoga.analytics.reports import BOTTLENECKS, MANAGER_COMPARISON
from ladoga.core.errors import ValidationFailed
from ladoga.core.reports import REPORT_FILTER_INVALID, report_run
from ladoga.deals.models import Deal, StageTransition


def refused(report, user, data) -> list[tuple]:
    with pytest.raises(ValidationFailed) as error:
        report_run(report, user=user, data=data)
    return [(v.code, v.field, str(v.message)) for v in error.value.violations]


def written() -> tuple[int, int]:
    return Deal.objects.count(), StageTransition.objects.count()


@pytest.mark.parametrize("report", [MANAGER_COMPARISON, BOTTLENECKS])
def test_a_period_that_ends_before_it_starts(actors, report):
    before = written()

    violations = refused(report, actors["admin"], {"start": "2026-03-31", "end": "2026-03-01"})

    assert violations == [(REPORT_FILTER_INVALID, "start", "The period starts after it ends.")]
    assert written() == before


def test_a_comparison_period_that_overlaps_the_period(actors):
    data = {"start": "2025-01-01", "end": "2026-03-31", "compare": "last_year"}

    violations = refused(MANAGER_COMPARISON, actors["admin"], data)

    assert violations == [
        (
            REPORT_FILTER_INVALID,
            "compare",
            "The comparison period overlaps the period itself.",
        )
    ]


def test_an_unknown_indicator_is_named(actors):
    data = {"indicators": ["deals_won", "happiness"]}

    violations = refused(MANAGER_COMPARISON, actors["admin"], data)

    assert violations == [
        (
            REPORT_FILTER_INVALID,
            "indicators",
            "Select a valid choice. happiness is not one of the available choices.",
        )
    ]


@pytest.mark.parametrize("report", [MANAGER_COMPARISON, BOTTLENECKS])
@pytest.mark.parametrize(
    "user, manager",
    [
        ("owner", "colleague"),  # a manager sees only themselves
        ("head", "outsider"),  # a head only the department
        ("owner", None),  # no such person at all
    ],
)
def test_a_manager_the_user_may_not_see_answers_404(actors, report, user, manager):
    pk = actors[manager].pk if manager else 10**9

    with pytest.raises(Http404):
        report_run(report, user=actors[user], data={"manager": pk})


def test_a_department_the_user_may_not_see_answers_404(actors, departments):
    with pytest.raises(Http404):
        report_run(
            MANAGER_COMPARISON, user=actors["head"], data={"department": departments["other"].pk}
        )


def test_a_manager_id_that_is_not_a_number_is_a_form_error(actors):
    violations = refused(MANAGER_COMPARISON, actors["admin"], {"manager": "boss"})

    assert [v[:2] for v in violations] == [(REPORT_FILTER_INVALID, "manager")]


def test_visible_manager_and_department_are_accepted(actors, departments):
    _form, result = report_run(
        MANAGER_COMPARISON,
        user=actors["head"],
        data={"manager": actors["colleague"].pk, "department": departments["sales"].pk},
    )

    assert [line.label for line in result.managers] == ["Colleague"]
