"""`ladoga demo` as a whole: a large directory of partners gets the activity of a smaller
company, spread over it, so that `--size 100000` fills in minutes."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from ladoga import demo
from ladoga.accounts.models import User
from ladoga.claims.models import Claim, ClaimStatus, ClaimTransition
from ladoga.deals.models import Deal
from ladoga.interactions.models import Interaction, ReviewStatus, Task
from ladoga.partners import services, taxnumbers
from ladoga.partners.demo import demo_time_zone, demo_time_zones
from ladoga.partners.keys import phone_display, phone_key
from ladoga.partners.models import ContactInfo, ContactPerson, Partner
from ladoga.sales.models import CustomerOrder


def test_a_large_directory_has_activity_for_a_sample_of_its_partners(
    db, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(demo, "LIVELY_PARTNERS_MAX", 12)
    settings.HOME = tmp_path

    ctx = demo.demo_fill(size=40, seed=3, progress=False)

    active = list(
        Partner.objects.filter(status="active").order_by("pk").values_list("pk", flat=True)
    )
    lively = set(ctx.lively(Partner.objects.all()).values_list("pk", flat=True))
    assert len(active) > 12 and len(lively) == 12 and lively <= set(active)
    assert lively != set(active[:12])  # spread over the directory, not its first rows
    assert ctx.activity_size == 12
    for model in (Interaction, CustomerOrder, Deal, Claim):
        touched = set(model.objects.exclude(partner=None).values_list("partner_id", flat=True))
        assert touched, model
        assert touched <= lively, model


def test_a_small_directory_has_activity_for_every_partner(db, settings, tmp_path):
    settings.HOME = tmp_path

    ctx = demo.demo_fill(size=15, seed=3, progress=False)

    assert ctx.activity_size == 15
    active = Partner.objects.filter(status="active")
    assert set(ctx.lively(active).values_list("pk", flat=True)) == set(
        active.values_list("pk", flat=True)
    )
    with_calls = set(Interaction.objects.values_list("partner_id", flat=True))
    assert len(with_calls) > 12


# ---- demo data that looks real (issue 14, point 12) ----


def _inn10(region: str, serial: int) -> str:
    base = f"{region}{serial:07d}"
    return base + taxnumbers.inn_control_digits(base)


def test_a_partners_time_zone_comes_from_its_region_or_country_else_the_companys(db):
    def partner(name, **counterparty):
        created = services.partner_create(name=name, roles=["client"])
        if counterparty:
            services.counterparty_create(partner=created, short_name=name, **counterparty)
        return created

    novosibirsk = partner("Сибирьснаб", inn=_inn10("54", 1))
    samara = partner("Волгатранс", inn=_inn10("63", 2))
    new_york = partner("Acme Inc.", kind="foreign", country="US")
    unknown = partner("Иванов Иван Иванович")

    zones = demo_time_zones([novosibirsk.pk, samara.pk, new_york.pk, unknown.pk])

    assert demo_time_zone(zones, novosibirsk.pk) == ZoneInfo("Asia/Novosibirsk")
    assert demo_time_zone(zones, samara.pk) == ZoneInfo("Europe/Samara")
    assert demo_time_zone(zones, new_york.pk) == ZoneInfo("America/New_York")
    assert demo_time_zone(zones, unknown.pk) == ZoneInfo("Europe/Moscow")  # the company's


MALE_SURNAME = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий")
FEMALE_SURNAME = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая")


def _surname_gender(last: str) -> str | None:
    """What a Russian surname's ending tells of its bearer; None when nothing ("Черных")."""
    if last.endswith(FEMALE_SURNAME):
        return "female"
    if last.endswith(MALE_SURNAME):
        return "male"
    return None


def _patronymic_gender(middle: str) -> str | None:
    if middle.endswith(("вна", "чна", "шна")):
        return "female"
    if middle.endswith("ич"):
        return "male"
    return None


def _calls_and_meetings_in_working_hours():
    rows = list(
        Interaction.objects.filter(kind__in=["call", "meeting", "planned"])
        .exclude(partner=None)
        .values_list("partner_id", "start", "end", "duration")
    )
    zones = demo_time_zones({partner_id for partner_id, *_rest in rows})
    assert len(set(zones.values())) > 2  # partners in several zones, not one for all
    checked = 0
    for partner_id, start, end, duration in rows:
        zone = demo_time_zone(zones, partner_id)
        local = start.astimezone(zone)
        if end is None and duration:
            end = start + datetime.timedelta(seconds=duration)
        assert local.weekday() < 5, (partner_id, local)
        assert datetime.time(9) <= local.time() < datetime.time(18), (partner_id, local)
        if end is not None:
            local_end = end.astimezone(zone)
            assert local_end.date() == local.date(), (partner_id, local, local_end)
            assert local_end.time() <= datetime.time(18), (partner_id, local, local_end)
        checked += 1
    weekdays = {start.astimezone(demo_time_zone(zones, pk)).weekday() for pk, start, *_r in rows}
    assert weekdays == {0, 1, 2, 3, 4}  # every working day, not Fridays for the weekends
    far = [pk for pk, zone in zones.items() if zone.key not in ("Europe/Moscow",)]
    assert Interaction.objects.filter(kind="call", partner_id__in=far).exists()
    return checked


def _future_meetings_are_not_reviewed():
    future = Interaction.objects.filter(kind__in=["meeting", "planned"], start__gt=timezone.now())
    assert future.exists()
    assert set(future.values_list("review_status", flat=True)) == {ReviewStatus.NOT_REVIEWED}


def _names_agree_in_gender():
    people = list(
        ContactPerson.objects.exclude(middle_name="").values_list(
            "last_name", "first_name", "middle_name"
        )
    )
    people += [
        tuple(name.split(" "))
        for name in Partner.objects.filter(kind="person").values_list("name", flat=True)
    ]
    agreeing = 0
    for last, _first, middle in people:
        said = _surname_gender(last)
        if said is not None:
            assert said == _patronymic_gender(middle), (last, _first, middle)
            agreeing += 1
    assert agreeing > 20
    staff = (
        User.objects.exclude(last_name="")
        .exclude(role="portal")  # "Клиент <partner's name>"
        .values_list("first_name", "last_name")
    )
    assert staff.count() > 5
    for first, last in staff:
        female = first in demo.FIRST_NAMES["female"]
        assert first in demo.FIRST_NAMES["female" if female else "male"], first
        assert _surname_gender(last) == ("female" if female else "male"), (first, last)
    assert {"Илья", "Никита"} & set(demo.FIRST_NAMES["male"])


def _phones_in_one_format():
    phones = list(ContactInfo.objects.filter(kind="phone").values_list("value", "key"))
    phones += [
        (value, phone_key(value))
        for value in Interaction.objects.exclude(phone="").values_list("phone", flat=True)
    ]
    assert len(phones) > 50
    for value, key in phones:
        assert value == phone_display(key), value
    assert any(value.startswith("+7 9") for value, _key in phones)


def _claim_tasks_come_due_after_registration():
    registered = dict(
        ClaimTransition.objects.filter(to_status=ClaimStatus.REGISTERED).values_list(
            "claim_id", "at"
        )
    )
    claims = {c.pk: c for c in Claim.objects.all()}
    tasks = list(
        Task.objects.filter(subject_type="claims.claim").values_list("subject_id", "due_date")
    )
    assert tasks
    for claim_id, due in tasks:
        claim = claims[claim_id]
        assert due >= claim.date, (claim.number, due)
        assert due >= timezone.localtime(claim.created_at).date(), (claim.number, due)
        assert due >= timezone.localtime(registered[claim_id]).date(), (claim.number, due)
    # registered on their own dates, so the older claims are not all registered today
    today = timezone.localdate()
    assert any(timezone.localtime(at).date() < today for at in registered.values())


def test_the_demo_looks_real(db, settings, tmp_path):
    settings.HOME = tmp_path

    demo.demo_fill(size=30, seed=5, progress=False)

    assert _calls_and_meetings_in_working_hours() > 50
    _future_meetings_are_not_reviewed()
    _names_agree_in_gender()
    _phones_in_one_format()
    _claim_tasks_come_due_after_registration()
