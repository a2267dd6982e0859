"""Rule-based segments by region and by ABC class (S2): the pure classification, the
address search in any alphabet, revenue from shipments, refusals, recomputation."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ladoga.core.errors import ValidationFailed
from ladoga.partners.models import Counterparty, Partner, PartnerStatus
from ladoga.partners.services import contact_info_add, partner_create, segment_create
from ladoga.sales import queries, rules, services, tasks
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import SegmentRule
from ladoga.sales.services import LineIn
from ladoga.sales.services.segments import rule_member_ids

from .conftest import DAY, counterparty_of

# ---- the pure classification ---------------------------------------------------------


def test_abc_takes_the_first_80_percent_then_the_next_15():
    revenues = {"a": D("50"), "b": D("30"), "c": D("15"), "d": D("5"), "e": D("0")}
    assert rules.abc_classes(revenues) == {"a": "A", "b": "A", "c": "B", "d": "C", "e": "C"}


def test_abc_the_partner_crossing_the_line_is_in_the_class_below_the_line():
    # 90 alone passes 80 %: A is the one partner; 10 starts below 95 %: B.
    assert rules.abc_classes({1: D("90"), 2: D("10")}) == {1: "A", 2: "B"}
    assert rules.abc_classes({1: D("100")}) == {1: "A"}


def test_abc_of_nothing_and_of_no_revenue():
    assert rules.abc_classes({}) == {}
    assert rules.abc_classes({1: D("0"), 2: D("0")}) == {1: "C", 2: "C"}
    assert rules.abc_classes({1: D("-5"), 2: D("10")}) == {1: "C", 2: "A"}


def test_abc_equal_revenues_share_a_class():
    # One by one the fourth 10 would start at 30 % of 40 and the tenth of ten at 90 %:
    # ties take the class of the first of them instead.
    assert set(rules.abc_classes({k: D("10") for k in range(10)}).values()) == {"A"}
    revenues = {"big": D("70"), "x": D("10"), "y": D("10"), "z": D("10")}
    assert rules.abc_classes(revenues) == {"big": "A", "x": "A", "y": "A", "z": "A"}
    revenues = {"big": D("85"), "x": D("5"), "y": D("5"), "z": D("5")}
    assert rules.abc_classes(revenues) == {"big": "A", "x": "B", "y": "B", "z": "B"}


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
revenue_maps = st.dictionaries(st.integers(0, 50), money, max_size=30)
ORDER = {"A": 0, "B": 1, "C": 2}


@given(revenue_maps)
def test_abc_properties(revenues):
    classes = rules.abc_classes(revenues)
    assert classes.keys() == revenues.keys()
    total = sum(revenues.values(), D("0"))
    for key, revenue in revenues.items():
        if revenue <= 0:
            assert classes[key] == "C"
    # More revenue never means a worse class; equal revenue, the same class.
    for a in revenues:
        for b in revenues:
            if revenues[a] > revenues[b]:
                assert ORDER[classes[a]] <= ORDER[classes[b]]
            if revenues[a] == revenues[b]:
                assert classes[a] == classes[b]
    if total > 0:
        top = max(revenues.values())
        assert all(classes[k] == "A" for k, v in revenues.items() if v == top)
        share = {c: sum((v for k, v in revenues.items() if classes[k] == c), D("0")) for c in "ABC"}
        assert share["A"] >= total * D("0.80")
        assert share["A"] + share["B"] >= total * D("0.95")
        # A stops as soon as 80 % is reached: without its smallest revenue it is under 80 %.
        smallest_a = min(v for k, v in revenues.items() if classes[k] == "A")
        ties = sum(1 for v in revenues.values() if v == smallest_a)
        assert share["A"] - smallest_a * ties < total * D("0.80")


@given(st.lists(money, max_size=20), st.randoms())
def test_abc_does_not_depend_on_the_order_of_the_input(values, random):
    keyed = list(enumerate(values))
    shuffled = keyed[:]
    random.shuffle(shuffled)
    assert rules.abc_classes(dict(keyed)) == rules.abc_classes(dict(shuffled))


# ---- region ------------------------------------------------------------------------


@pytest.fixture
def segment(db):
    return segment_create(name="Москва и область")


@pytest.fixture
def regional(owner):
    """Partners with Moscow in different addresses and in different cases, and others."""
    by_legal = partner_create(name="Альфа", manager=owner)
    Counterparty.objects.create(
        partner=by_legal,
        short_name="ООО Альфа",
        kind="legal_entity",
        legal_address="125009, г. Москва, ул. Тверская, д. 1",
    )
    by_contact = partner_create(name="Бета", manager=owner)
    contact_info_add(owner=by_contact, kind="actual_address", value="Россия,  МОСКВА, Арбат 5")
    by_counterparty_contact = partner_create(name="Гамма", manager=owner)
    gamma_llc = counterparty_of(by_counterparty_contact, "ООО Гамма")
    contact_info_add(owner=gamma_llc, kind="postal_address", value="москва, а/я 12")
    elsewhere = partner_create(name="Дельта", manager=owner)
    Counterparty.objects.create(
        partner=elsewhere,
        short_name="ООО Дельта",
        kind="legal_entity",
        legal_address="г. Санкт-Петербург, Невский пр., 1",
    )
    # Moscow only in a phone label or a non-address kind does not count.
    phone_only = partner_create(name="Эпсилон", manager=owner)
    contact_info_add(owner=phone_only, kind="messenger", value="москва_чат")
    archived = partner_create(name="Архив", manager=owner)
    contact_info_add(owner=archived, kind="legal_address", value="г. Москва")
    Partner.objects.filter(pk=archived.pk).update(status=PartnerStatus.ARCHIVED)
    supplier = partner_create(name="Поставщик", roles=["supplier"], manager=owner)
    contact_info_add(owner=supplier, kind="legal_address", value="Москва")
    return {
        "legal": by_legal,
        "contact": by_contact,
        "counterparty_contact": by_counterparty_contact,
        "elsewhere": elsewhere,
        "phone_only": phone_only,
        "archived": archived,
        "supplier": supplier,
    }


def names(segment) -> list[str]:
    return sorted(segment.partners.values_list("name", flat=True))


@pytest.mark.parametrize("region", ["москва", "МОСКВА", "  Москва ", "мОсКвА"])
def test_region_is_found_in_any_address_in_any_case(segment, regional, region):
    rule = services.segment_rule_set(segment=segment, region=region)
    assert rule.region == region.strip()
    assert names(segment) == ["Альфа", "Бета", "Гамма", "Поставщик"]
    assert rule.member_count == 4


def test_region_with_a_role_needs_both(segment, regional):
    services.segment_rule_set(segment=segment, region="Москва", role="client")
    assert names(segment) == ["Альфа", "Бета", "Гамма"]


def test_region_in_latin_and_several_words(segment, owner):
    north = partner_create(name="North", manager=owner)
    contact_info_add(owner=north, kind="legal_address", value="Saint  PETERSBURG, Nevsky 1")
    services.segment_rule_set(segment=segment, region="saint petersburg")
    assert names(segment) == ["North"]


def test_region_is_text_not_a_pattern(segment, owner):
    Counterparty.objects.create(
        partner=partner_create(name="Percent", manager=owner),
        short_name="P",
        kind="legal_entity",
        legal_address="Moscow",
    )
    services.segment_rule_set(segment=segment, region="%")
    assert names(segment) == []
    services.segment_rule_set(segment=segment, region="M_scow")
    assert names(segment) == []


def test_region_is_read_in_a_fixed_number_of_queries(
    segment, owner, django_assert_num_queries, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            partner = partner_create(name=f"Client {count}-{n}", manager=owner)
            Counterparty.objects.create(
                partner=partner, short_name=f"C{n}", kind="person", legal_address="г. Тверь"
            )
            contact_info_add(owner=partner, kind="actual_address", value="г. Москва")

    rule = services.segment_rule_set(segment=segment, region="москва", role="client")
    add(2)
    with django_assert_max_num_queries(3) as few:
        assert len(rule_member_ids(rule)) == 2
    add(20)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(rule_member_ids(rule)) == 22


# ---- ABC from shipments -------------------------------------------------------------


def ship(partner, agreement, products, quantity, on):
    """A posted order of `quantity` cement at 475.00, shipped on `on`."""
    order = services.order_create(
        partner=partner,
        counterparty=counterparty_of(partner, f"{partner.name} LLC"),
        agreement=agreement,
        date=DAY,
        lines=[LineIn(product=products["P-1"], quantity=D(quantity))],
    )
    services.order_post(order=order)
    return services.shipment_create(order=order, date=on)


@pytest.fixture
def revenue(owner, agreement, products):
    """Shipments of 7600.00 (80 %), 1425.00 (15 %) and 475.00 (5 %); one partner without
    any; one whose only shipment is older than twelve months."""
    made = {
        name: partner_create(name=name, manager=owner)
        for name in ("Big", "Middle", "Small", "Silent", "Old")
    }
    ship(made["Big"], agreement, products, "16", datetime.date(2026, 3, 10))
    ship(made["Middle"], agreement, products, "3", datetime.date(2026, 3, 10))
    ship(made["Small"], agreement, products, "1", datetime.date(2026, 3, 10))
    ship(made["Old"], agreement, products, "100", datetime.date(2026, 3, 9))
    return made


ON = datetime.date(2027, 3, 9)  # twelve months: 10 March 2026 – 9 March 2027


def test_abc_classes_come_from_twelve_months_of_shipments(revenue):
    classes = queries.partner_abc_classes(on=ON)
    assert {Partner.objects.get(pk=pk).name: c for pk, c in classes.items()} == {
        "Big": "A",
        "Middle": "B",
        "Small": "C",
    }
    # A day earlier the old shipment counts and outweighs everything.
    classes = queries.partner_abc_classes(on=ON - datetime.timedelta(days=1))
    assert classes[revenue["Old"].pk] == "A"
    assert classes[revenue["Big"].pk] == "B"


def test_twelve_months_end_on_the_given_day():
    assert queries.Period.twelve_months_to(datetime.date(2027, 3, 9)) == queries.Period(
        datetime.date(2026, 3, 10), datetime.date(2027, 3, 9)
    )
    assert queries.Period.twelve_months_to(datetime.date(2028, 2, 29)).start == datetime.date(
        2027, 3, 1
    )


@pytest.mark.parametrize(
    "abc, members",
    [("A", ["Big"]), ("B", ["Middle"]), ("c", ["Old", "Silent", "Small", "Stroymontazh"])],
)
def test_segment_by_abc_class(segment, revenue, partner, abc, members):
    rule = services.segment_rule_set(segment=segment, abc_class=abc, role="client")
    assert rule.abc_class == abc.upper()
    services.segment_recompute(rule=rule, on=ON)
    assert names(segment) == members
    assert SegmentRule.objects.get(pk=rule.pk).member_count == len(members)


# ---- refusals, recomputation, the API ------------------------------------------------


@pytest.mark.parametrize(
    "conditions, code, field, message",
    [
        ({}, C.SEGMENT_RULE_EMPTY, "role", "A rule needs a role, a group, a property, a region"),
        ({"region": "   "}, C.SEGMENT_RULE_EMPTY, "role", "A rule needs a role"),
        ({"abc_class": "D"}, C.SEGMENT_RULE_INVALID, "abc_class", "The ABC class is A, B or C."),
        ({"role": "king"}, C.SEGMENT_RULE_INVALID, "role", "Unknown role."),
        (
            {"region": "x" * 201},
            C.SEGMENT_RULE_INVALID,
            "region",
            "The region is at most 200 characters long.",
        ),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_is_written(
    segment, regional, conditions, code, field, message
):
    with pytest.raises(ValidationFailed) as error:
        services.segment_rule_set(segment=segment, **conditions)
    [violation] = error.value.violations
    assert (violation.code, violation.field) == (code, field)
    assert message in str(violation.message)
    assert not SegmentRule.objects.exists()
    assert names(segment) == []


def test_a_bad_change_keeps_the_old_rule_and_members(segment, regional):
    rule = services.segment_rule_set(segment=segment, region="москва")
    with pytest.raises(ValidationFailed):
        services.segment_rule_set(segment=segment, region="Тверь", abc_class="Z")
    assert SegmentRule.objects.get(pk=rule.pk).region == "москва"
    assert len(names(segment)) == 4


def test_recomputing_is_idempotent_and_follows_changes(segment, regional, owner):
    rule = services.segment_rule_set(segment=segment, region="москва")
    before = names(segment)
    assert services.segment_recompute(rule=rule) == 4
    assert services.segment_recompute(rule=rule) == 4
    assert names(segment) == before
    # The partner moves to St Petersburg: the nightly run takes it out, and only it.
    Counterparty.objects.filter(partner=regional["legal"]).update(
        legal_address="г. Санкт-Петербург"
    )
    assert tasks.segments_recompute_nightly.call_local() == {segment.name: 3}
    assert names(segment) == ["Бета", "Гамма", "Поставщик"]
    assert tasks.segments_recompute_nightly.call_local() == {segment.name: 3}


def test_the_nightly_task_is_scheduled():
    wrapper = tasks.segments_recompute_nightly
    assert wrapper.name == "sales.segments_recompute"
    task = wrapper.task_class()
    assert task.validate_datetime(datetime.datetime(2026, 3, 2, 2, 41))
    assert not task.validate_datetime(datetime.datetime(2026, 3, 2, 3, 41))


def test_api_sets_a_region_rule_and_recomputes_on_demand(api_as, segment, regional):
    response = api_as("head").post(
        "/api/v1/segment-rules", {"segment_id": segment.pk, "region": "москва"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["region"], body["abc_class"], body["member_count"]) == ("москва", "", 4)

    contact_info_add(
        owner=regional["elsewhere"], kind="actual_address", value="Склад: Москва, МКАД 5 км"
    )
    response = api_as("head").post(f"/api/v1/segment-rules/{body['id']}/recompute")
    assert response.status_code == 200
    assert response.json()["member_count"] == 5
    assert "Дельта" in names(segment)


def test_api_refuses_a_bad_abc_class_and_writes_nothing(api_as, segment):
    response = api_as("head").post(
        "/api/v1/segment-rules", {"segment_id": segment.pk, "abc_class": "Q"}
    )
    assert response.status_code == 422
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("segment_rule_invalid", "abc_class")
    ]
    assert response.json()["errors"][0]["message"] == "The ABC class is A, B or C."
    assert not SegmentRule.objects.exists()


def test_api_refuses_a_rule_without_conditions(api_as, segment):
    response = api_as("head").post("/api/v1/segment-rules", {"segment_id": segment.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "segment_rule_empty"
    assert not SegmentRule.objects.exists()


def test_api_managers_may_not_set_rules(api_as, segment):
    response = api_as("owner").post(
        "/api/v1/segment-rules", {"segment_id": segment.pk, "region": "москва"}
    )
    assert response.status_code == 403
    assert not SegmentRule.objects.exists()
