"""The loyalty step of `ladoga demo`: three card kinds and about thirty cards per partner
of the demo's size (3,000 at the default 100), to the active clients and their contact
persons; some blocked, some replaced. Written in bulk, with history."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from ladoga.core.history import history_copy
from ladoga.partners.models import ContactPerson, Partner, PartnerStatus

from . import rules, services
from .models import CardStatus, LoyaltyCard

D = Decimal
CARDS_PER_SIZE = 30


def demo_loyalty(ctx) -> None:
    """ctx: ladoga.demo.DemoContext."""
    rng: random.Random = ctx.rng
    today = timezone.localdate()
    silver = services.card_kind_create(
        name="Серебряная карта", percent=D("5"), prefix="200", length=13, check_digit="ean13"
    )
    savings = services.card_kind_create(
        name="Накопительная карта",
        discount_type="accumulative",
        thresholds=[(D("50000"), D("3")), (D("200000"), D("5")), (D("500000"), D("7"))],
        period_days=365,
        prefix="210",
        length=13,
        check_digit="ean13",
    )
    club = services.card_kind_create(
        name="Клубная карта",
        percent=D("2"),
        prefix="77",
        length=10,
        check_digit="luhn",
        combine_rule="both",
        is_personal=True,
    )
    clients = list(
        Partner.objects.filter(is_client=True, status=PartnerStatus.ACTIVE).order_by("pk")
    )
    if not clients:
        return
    contacts: dict[int, list[int]] = {}
    for pk, partner_id in ContactPerson.objects.filter(partner__in=clients).values_list(
        "pk", "partner_id"
    ):
        contacts.setdefault(partner_id, []).append(pk)
    serials = {silver.pk: 0, savings.pk: 0, club.pk: 0}
    cards = []
    for _ in range(ctx.size * CARDS_PER_SIZE):
        partner = rng.choice(clients)
        kind = rng.choice([silver, savings, club]) if contacts.get(partner.pk) else savings
        contact = rng.choice(contacts[partner.pk]) if kind is club else None
        serials[kind.pk] += 1
        issued = today - datetime.timedelta(days=rng.randrange(0, 900))
        status = rng.choices([CardStatus.ACTIVE, CardStatus.BLOCKED], weights=[95, 5])[0]
        cards.append(
            LoyaltyCard(
                number=rules.number_make(
                    prefix=kind.prefix,
                    length=kind.length,
                    check_digit=kind.check_digit,
                    serial=serials[kind.pk],
                ),
                kind=kind,
                partner=partner,
                contact_id=contact,
                issued_on=issued,
                valid_to=issued + datetime.timedelta(days=1095) if rng.random() < 0.3 else None,
                status=status,
                percent=kind.percent,
                block_reason="Карта утеряна" if status == CardStatus.BLOCKED else "",
            )
        )
    made = LoyaltyCard.objects.bulk_create(cards, batch_size=1000)
    ids = [card.pk for card in made if card.pk is not None]
    if len(ids) != len(made):
        ids = list(LoyaltyCard.objects.values_list("pk", flat=True))
    history_copy(LoyaltyCard, ids)
    # A few lost cards were replaced by new ones.
    for card in LoyaltyCard.objects.filter(status=CardStatus.BLOCKED).order_by("pk")[:20]:
        services.card_replace(card=card)
    services.card_thresholds_recompute()
