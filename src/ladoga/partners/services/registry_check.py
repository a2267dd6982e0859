"""The counterparty check against the state registry (P11)."""

from django.db import transaction
from django.utils import timezone

from ..models import Counterparty, CounterpartyKind
from ..registry import RegistryParty, RegistryProvider, registry_lookup
from ._common import locked


@transaction.atomic
def counterparty_registry_check(
    *, counterparty: Counterparty, source: RegistryProvider | None = None, by=None
) -> Counterparty:
    """Ask the registry about a counterparty and store its status and the time of asking;
    `counterparty.is_flagged` then tells whether it is liquidated, being liquidated or
    bankrupt. Empty KPP, OGRN and legal address are filled in from the registry.

    Registry failures (RegistryError) propagate and nothing is stored.
    """
    counterparty = locked(Counterparty, counterparty)
    if counterparty.kind not in (CounterpartyKind.LEGAL_ENTITY, CounterpartyKind.SOLE_PROPRIETOR):
        return counterparty
    party: RegistryParty = registry_lookup(
        inn=counterparty.inn, kpp=counterparty.kpp, source=source
    )
    counterparty.registry_status = party.status
    counterparty.registry_checked_at = timezone.now()
    for field, value in (
        ("kpp", party.kpp),
        ("ogrn", party.ogrn),
        ("legal_address", party.legal_address),
    ):
        if value and not getattr(counterparty, field):
            setattr(counterparty, field, value)
    counterparty.save()
    return counterparty
