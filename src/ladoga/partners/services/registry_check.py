"""The counterparty check against the state registry (P11), on demand and in bulk."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ladoga.core.errors import ValidationFailed

from ..errors import PartnersCode, RegistryError
from ..models import Counterparty, CounterpartyKind, RecordStatus
from ..models.counterparty import FLAGGED_REGISTRY_STATUSES
from ..registry import DaDataProvider, RegistryParty, RegistryProvider, provider, registry_lookup
from ._common import locked

logger = logging.getLogger("ladoga.partners.registry")

# Failures that would repeat for every counterparty: a bulk re-check stops at the first.
RECHECK_STOPPERS = frozenset(
    {
        PartnersCode.REGISTRY_NOT_CONFIGURED,
        PartnersCode.REGISTRY_TOKEN_REJECTED,
        PartnersCode.REGISTRY_LIMIT_REACHED,
    }
)
# Failures that say the registry is down rather than that one INN is odd: after this many
# in a row a bulk re-check stops, instead of waiting out the timeout for every counterparty.
RECHECK_OUTAGE = frozenset({PartnersCode.REGISTRY_TIMEOUT, PartnersCode.REGISTRY_UNAVAILABLE})
RECHECK_OUTAGE_STOP = 3
# Who is told when the nightly re-check finds a counterparty newly liquidating, liquidated
# or bankrupt: later domains register here (interactions notifies the responsible manager
# in the app), so partners need not know them.
_flagged_listeners: list[Callable[[Counterparty], None]] = []


def counterparty_flagged_listen(listener: Callable[[Counterparty], None]) -> None:
    """Call `listener(counterparty)` for every counterparty the re-check newly flags (once
    per registration: registering the same function again changes nothing)."""
    if listener not in _flagged_listeners:
        _flagged_listeners.append(listener)


CHECKED_KINDS = (CounterpartyKind.LEGAL_ENTITY, CounterpartyKind.SOLE_PROPRIETOR)


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
    if counterparty.kind not in CHECKED_KINDS:
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


def registry_configured(source: RegistryProvider | None = None) -> bool:
    """Whether the registry can be asked: a provider was plugged in, or the DaData client
    has a URL and a token (LADOGA_REGISTRY_URL, LADOGA_REGISTRY_TOKEN)."""
    current = source or provider()
    return not isinstance(current, DaDataProvider) or bool(current.url and current.token)


class _Remembered:
    """A provider that asks `source` once per INN+KPP and then repeats its answer: the bulk
    re-check asks the registry before the transaction that stores the answer, so the row
    (and, on SQLite, every writer) is not held while waiting for the network."""

    def __init__(self, source: RegistryProvider):
        self.source = source
        self.answers: dict[tuple[str, str], RegistryParty] = {}

    def find_party(self, inn: str, kpp: str = "") -> RegistryParty:
        if (inn, kpp) not in self.answers:
            self.answers[inn, kpp] = self.source.find_party(inn, kpp)
        return self.answers[inn, kpp]


def counterparties_registry_recheck(
    *, older_than_days: int = 30, limit: int = 200, source: RegistryProvider | None = None
) -> dict:
    """Re-check against the registry (P11, run nightly by the worker) the active legal
    entities and sole proprietors of active partners that have an INN and were never
    checked or were checked more than `older_than_days` ago: oldest first, at most `limit`.

    Each counterparty is stored by `counterparty_registry_check` in a transaction of its
    own. A failure for one counterparty (unknown INN, timeout, an unreadable answer, an
    impossible stored INN) is counted in `failed`, logged, and leaves it unchanged. A
    failure that would repeat for all (no provider, token rejected, request limit reached)
    stops the run at once: `stopped` is then true and `reason` its code. So do
    RECHECK_OUTAGE_STOP timeouts or server errors in a row (the registry is down), with the
    last one's code.

    Returns {"checked", "flagged", "failed", "stopped", "reason"}; `flagged` counts the
    counterparties this run found newly liquidating, liquidated or bankrupt, which are
    logged and passed to the counterparty_flagged_listen listeners.
    """
    result = {"checked": 0, "flagged": 0, "failed": 0, "stopped": False, "reason": ""}
    source = source or provider()
    if not registry_configured(source):
        result.update(stopped=True, reason=str(PartnersCode.REGISTRY_NOT_CONFIGURED))
        return result
    cutoff = timezone.now() - timedelta(days=older_than_days)
    due = list(
        Counterparty.objects.filter(
            Q(registry_checked_at__isnull=True) | Q(registry_checked_at__lt=cutoff),
            status=RecordStatus.ACTIVE,
            partner__status=RecordStatus.ACTIVE,
            kind__in=CHECKED_KINDS,
        )
        .exclude(inn="")
        .order_by(F("registry_checked_at").asc(nulls_first=True), "id")
        .select_related("partner__manager")[: max(limit, 0)]
    )
    outages = 0
    for counterparty in due:
        was_flagged = counterparty.is_flagged
        try:
            remembered = _Remembered(source)
            registry_lookup(inn=counterparty.inn, kpp=counterparty.kpp, source=remembered)
            checked = counterparty_registry_check(counterparty=counterparty, source=remembered)
        except (RegistryError, ValidationFailed) as error:
            stopper = next((code for code in error.codes if code in RECHECK_STOPPERS), None)
            if stopper:
                logger.warning("registry re-check stopped: %s (%s)", stopper, error.detail)
                result.update(stopped=True, reason=str(stopper))
                break
            result["failed"] += 1
            logger.warning(
                "registry re-check of counterparty %s (INN %s) failed: %s",
                counterparty.pk,
                counterparty.inn,
                ", ".join(error.codes),
            )
            outage = next((code for code in error.codes if code in RECHECK_OUTAGE), None)
            outages = outages + 1 if outage else 0
            if outages >= RECHECK_OUTAGE_STOP:
                logger.warning("registry re-check stopped: %s %d times in a row", outage, outages)
                result.update(stopped=True, reason=str(outage))
                break
            continue
        outages = 0
        result["checked"] += 1
        if checked.registry_status in FLAGGED_REGISTRY_STATUSES and not was_flagged:
            result["flagged"] += 1
            manager = counterparty.partner.manager
            logger.warning(
                "counterparty %s (INN %s) of partner %s is now %s in the state registry; "
                "responsible manager: %s",
                checked.pk,
                checked.inn,
                counterparty.partner_id,
                checked.registry_status,
                manager.get_username() if manager else "-",
            )
            for listener in _flagged_listeners:
                listener(checked)
    logger.info("registry re-check: %s", result)
    return result
