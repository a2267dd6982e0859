"""The manager comparison's "clients past their contact norm" (A6 with A10): the same rule
as the relationship-strategy report, counted per manager at the end of each period."""

import datetime

from django.utils import timezone

from ladoga.analytics.managers import managers_compare
from ladoga.analytics.strategy import clients_past_norm
from ladoga.core.periods import Period
from ladoga.interactions.services import contact_norm_create, interaction_create
from ladoga.partners.models import Partner
from ladoga.partners.services import partner_create, segment_create

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_clients_past_norm_per_manager_now_and_then(actors):
    owner, colleague = actors["owner"], actors["colleague"]
    key = segment_create(name="Key")
    called = partner_create(name="Called", manager=owner, by=owner, segments=[key])
    partner_create(name="Silent", manager=owner, by=owner, segments=[key])
    partner_create(name="Quiet", manager=colleague, by=colleague, segments=[key])
    Partner.objects.update(created_at=noon(datetime.date(2026, 1, 1)))
    interaction_create(
        kind="call",
        title="Call",
        by=owner,
        responsible=owner,
        subject_type="partners.partner",
        subject_id=called.pk,
        start=noon(datetime.date(2026, 3, 25)),
    )
    contact_norm_create(name="Key clients", segment=key, days=14, kinds=["call", "meeting"])

    head = managers_compare(
        user=actors["head"], period=MARCH, compared=MARCH.previous(), indicators=["past_norm"]
    )
    own = managers_compare(
        user=owner, period=MARCH, compared=MARCH.previous(), indicators=["past_norm"]
    )

    rows = {line.label: (line.now["past_norm"], line.then["past_norm"]) for line in head.lines}
    assert rows[str(owner)] == (1, 2)  # "Called" was past its norm in February, not now
    assert rows[str(colleague)] == (1, 1)
    assert rows["Total"] == (2, 3)
    # the same rule as the strategy report, for the same day
    on_31st = clients_past_norm(user=actors["head"], on=MARCH.end)
    assert sorted(r.partner_name for r in on_31st) == ["Quiet", "Silent"]
    assert [line.label for line in own.lines if line.manager_id] == [str(owner)]
