"""`ladoga demo` as a whole: a large directory of partners gets the activity of a smaller
company, spread over it, so that `--size 100000` fills in minutes."""

from ladoga import demo
from ladoga.claims.models import Claim
from ladoga.deals.models import Deal
from ladoga.interactions.models import Interaction
from ladoga.partners.models import Partner
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
