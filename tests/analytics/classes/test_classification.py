"""The stored classification: the hand-computed dataset, runs with history, bad
thresholds, who may recompute, the at-risk notification, and the readers below."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ladoga.analytics import classification_services as services
from ladoga.analytics.errors import ClassificationSettingsInvalid
from ladoga.analytics.models import ClassificationRun, ClassificationSettings, ClientClassification
from ladoga.interactions.models import Notification
from ladoga.partners.classes import class_of, classes_of
from ladoga.partners.services import segment_create
from ladoga.sales.services import segment_rule_set
from ladoga.sales.services.segments import rule_member_ids

from .conftest import ON

D = Decimal


def rows_by_name(run):
    return {
        row.partner.name: row
        for row in ClientClassification.objects.filter(run=run).select_related("partner")
    }


def test_recompute_classifies_the_hand_computed_dataset(clients, admin_user):
    run = services.classification_recompute(by=admin_user, on=ON)

    assert (run.period_start, run.period_end) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    assert run.by == admin_user and run.finished_at and run.clients == 5
    rows = rows_by_name(run)
    assert {name: row.label for name, row in rows.items()} == {
        "Steady": "AX",
        "Wavy": "AY",
        "Seasonal": "AZ",
        "Once": "BZ",
        "Returned": "C",
    }
    assert {name: row.revenue for name, row in rows.items()} == {
        "Steady": D("1200"),
        "Wavy": D("1200"),
        "Seasonal": D("900"),
        "Once": D("300"),
        "Returned": D("-150"),
    }
    assert rows["Steady"].cv == 0
    assert rows["Wavy"].cv == D("12.25")
    assert rows["Seasonal"].cv == 100
    assert rows["Once"].cv == D("331.66")
    assert rows["Returned"].cv is None and rows["Returned"].share == 0
    assert rows["Steady"].share == D("33.3333")
    assert rows["Wavy"].cumulative_share == D("66.6667")
    assert rows["Once"].cumulative_share == D("100.0000")
    # RFM at 31 March 2026: recency 21, 21, 21, 233, 264 days; 12, 12, 6, 1, 2 shipments.
    rfm = {name: (row.recency, row.frequency, row.monetary, row.rfm) for name, row in rows.items()}
    assert rfm == {
        "Steady": (5, 5, 5, "champions"),
        "Wavy": (5, 5, 5, "champions"),
        "Seasonal": (5, 3, 3, "loyal"),
        "Once": (2, 1, 2, "hibernating"),
        "Returned": (1, 2, 1, "lost"),
    }
    assert all(row.since == ON and row.previous == "" for row in rows.values())


def test_each_recomputation_is_a_run_and_a_client_keeps_its_class_history(
    clients, admin_user, ship
):
    first = services.classification_recompute(by=admin_user, on=ON)
    # May 2025 – April 2026: the big purchase of "once" on 1 April counts now (100,300 of
    # 108,400: A), the steady client buys 5,000 in April (6,100 starts at 92.5 %: B).
    ship(clients["steady"], datetime.date(2026, 4, 20), "5000")
    second = services.classification_recompute(on=datetime.date(2026, 5, 3), scheduled=True)

    assert list(ClassificationRun.objects.order_by("id")) == [first, second]
    assert second.scheduled and second.by is None
    steady = class_of(clients["steady"].pk)
    assert (steady.label, steady.previous, steady.since) == ("BZ", "AX", datetime.date(2026, 5, 3))
    once = class_of(clients["once"].pk)
    assert (once.label, once.previous, once.since) == ("AZ", "BZ", datetime.date(2026, 5, 3))
    seasonal = class_of(clients["seasonal"].pk)
    assert (seasonal.label, seasonal.previous, seasonal.since) == (
        "CZ",
        "AZ",
        datetime.date(2026, 5, 3),
    )
    # The first run is kept as it was.
    assert rows_by_name(first)["Steady"].label == "AX"
    # A third run with nothing new keeps the day the class was got, and what it was before.
    services.classification_recompute(on=datetime.date(2026, 5, 20))
    steady = class_of(clients["steady"].pk)
    assert (steady.label, steady.previous, steady.since) == ("BZ", "AX", datetime.date(2026, 5, 3))


def test_the_provider_answers_a_list_of_partners_with_one_query(
    clients, admin_user, django_assert_num_queries
):
    assert classes_of([clients["steady"].pk]) == {}
    services.classification_recompute(by=admin_user, on=ON)
    ids = [partner.pk for partner in clients.values()]

    with django_assert_num_queries(1):
        found = classes_of(ids)

    assert {pk: c.label for pk, c in found.items()} == {
        clients["steady"].pk: "AX",
        clients["wavy"].pk: "AY",
        clients["seasonal"].pk: "AZ",
        clients["once"].pk: "BZ",
        clients["returned"].pk: "C",
    }


def test_orders_basis_classifies_by_the_number_of_shipments(clients, admin_user):
    services.classification_settings_update(
        by=admin_user,
        basis="orders",
        a_share=D("80"),
        b_share=D("15"),
        c_share=D("5"),
        months=12,
        x_limit=D("10"),
        y_limit=D("25"),
    )
    run = services.classification_recompute(by=admin_user, on=ON)
    # 12 + 12 + 6 + 1 = 31 shipments (the returned client, negative on the whole, is C):
    # 6 starts at 24 < 24.8 (80 %) → A; 1 starts at 30 ≥ 29.45 (95 %) → C.
    rows = rows_by_name(run)
    assert {name: row.abc for name, row in rows.items()} == {
        "Steady": "A",
        "Wavy": "A",
        "Seasonal": "A",
        "Returned": "C",
        "Once": "C",
    }
    assert rows["Steady"].value == 12


BAD_SETTINGS = [
    (
        {"a_share": D("80"), "b_share": D("15"), "c_share": D("10")},
        ["classification_shares_not_100"],
    ),
    (
        {"a_share": D("95"), "b_share": D("10"), "c_share": D("-5")},
        ["classification_share_not_positive"],
    ),
    ({"x_limit": D("25"), "y_limit": D("10")}, ["classification_xyz_limits_order"]),
    ({"x_limit": D("10"), "y_limit": D("10")}, ["classification_xyz_limits_order"]),
    ({"months": 2}, ["classification_months_out_of_range"]),
    ({"months": 37}, ["classification_months_out_of_range"]),
    ({"basis": "profit"}, ["classification_basis_unknown"]),
]
GOOD = {
    "basis": "revenue",
    "a_share": D("70"),
    "b_share": D("20"),
    "c_share": D("10"),
    "months": 6,
    "x_limit": D("15"),
    "y_limit": D("30"),
}


@pytest.mark.parametrize("change, codes", BAD_SETTINGS)
def test_bad_thresholds_are_refused_and_nothing_is_written(admin_user, change, codes):
    before = services.settings_current()

    with pytest.raises(ClassificationSettingsInvalid) as error:
        services.classification_settings_update(by=admin_user, **{**GOOD, **change})

    assert error.value.codes == codes
    assert error.value.status == 422
    after = ClassificationSettings.objects.get()
    assert (
        (after.a_share, after.b_share, after.c_share, after.months, after.basis)
        == (
            before.a_share,
            before.b_share,
            before.c_share,
            before.months,
            before.basis,
        )
        == (80, 15, 5, 12, "revenue")
    )


def test_the_messages_of_bad_thresholds(admin_user):
    with pytest.raises(ClassificationSettingsInvalid) as error:
        services.classification_settings_update(
            by=admin_user, **{**GOOD, "c_share": D("20"), "months": 40}
        )
    assert [(v.field, str(v.message)) for v in error.value.violations] == [
        ("c_share", "The A, B and C shares add up to 100 %."),
        ("months", "Demand is measured over 3 to 36 months."),
    ]


def test_stored_thresholds_gone_wrong_stop_the_recomputation(clients, admin_user):
    ClassificationSettings.objects.create(a_share=50, b_share=50, c_share=50)

    with pytest.raises(ClassificationSettingsInvalid) as error:
        services.classification_recompute(by=admin_user, on=ON)

    assert error.value.codes == ["classification_shares_not_100"]
    assert not ClassificationRun.objects.exists()
    assert not ClientClassification.objects.exists()


@pytest.mark.parametrize("actor", ["owner", "claims"])
def test_only_administrators_and_heads_recompute_or_change_thresholds(clients, actors, actor):
    with pytest.raises(PermissionDenied):
        services.classification_recompute(by=actors[actor], on=ON)
    with pytest.raises(PermissionDenied):
        services.classification_settings_update(by=actors[actor], **GOOD)
    assert not ClassificationRun.objects.exists()
    assert services.settings_current().months == 12


def test_settings_are_saved(actors):
    saved = services.classification_settings_update(by=actors["head"], **GOOD)
    assert (saved.a_share, saved.months, saved.y_limit, saved.updated_by) == (
        70,
        6,
        30,
        actors["head"],
    )


@pytest.mark.parametrize(
    "language, title",
    [
        ("en", "Steady is at risk: a good client has stopped buying as before"),
        ("ru", "Steady под угрозой ухода: хороший клиент покупает реже, чем раньше"),
    ],
)
def test_a_good_client_crossing_into_at_risk_is_announced_to_its_manager_once(
    clients, actors, ship, language, title
):
    actors["owner"].language = language
    actors["owner"].save(update_fields=["language"])
    services.classification_recompute(on=ON)
    assert rows_by_name(ClassificationRun.objects.get())["Steady"].rfm == "champions"
    # Everybody buys in September 2026 except the steady client: over October 2025 –
    # September 2026 its recency scores 1 and its 6 shipments 4 of 5 — at risk.
    for name in ("wavy", "seasonal", "once", "returned"):
        ship(clients[name], datetime.date(2026, 9, 10), "100")

    services.classification_recompute(on=datetime.date(2026, 10, 15))
    services.classification_recompute(on=datetime.date(2026, 10, 16))

    latest = rows_by_name(ClassificationRun.objects.order_by("-id").first())
    assert latest["Steady"].rfm == "at_risk" and latest["Steady"].previous_rfm == "at_risk"
    sent = list(Notification.objects.all())
    assert [(n.user, n.url) for n in sent] == [
        (actors["owner"], f"/partners/{clients['steady'].pk}/")
    ]
    assert sent[0].title == title


def test_segment_rules_by_class_read_the_stored_classification(clients, admin_user):
    segment = segment_create(name="Class B")
    rule = segment_rule_set(segment=segment, abc_class="B")
    # Before any run, sales computes the class from the twelve months up to the day: the
    # big April purchase makes "once" an A client then.
    assert clients["once"].pk not in rule_member_ids(rule, on=ON)

    services.classification_recompute(by=admin_user, on=ON)

    assert rule_member_ids(rule, on=ON) == {clients["once"].pk}
