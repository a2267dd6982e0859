"""Loyalty commands (L1, L2): card kinds, issuing, blocking and replacing cards, and
moving accumulative cards between thresholds. Each runs in one transaction; a refused
command writes nothing."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.dates import today
from ladoga.core.errors import Conflict, DomainError, ValidationFailed, Violation
from ladoga.core.versioning import version_check
from ladoga.partners.models import ContactPerson, Partner, PartnerKind

from . import purchases, rules
from .errors import LoyaltyCode as C
from .models import (
    CardKind,
    CardStatus,
    CardThreshold,
    CheckDigit,
    CombineRule,
    DiscountType,
    KindStatus,
    LoyaltyCard,
)

MANAGE_KINDS = "loyalty.manage_kinds"
ISSUE_CARDS = "loyalty.issue_cards"


class Forbidden(DomainError):
    status = 403
    title = _("You may not do this")


def _permission_check(by, permission: str) -> None:
    """`by=None` is the system itself (demo, nightly tasks)."""
    if by is not None and not by.has_perm(permission):
        raise Forbidden.single(C.PERMISSION_DENIED, _("Your role does not allow this."))


def _stamp(record, by):
    if by is not None:
        record._history_user = by
    return record


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


# --- Card kinds (L1) -------------------------------------------------------------------

KIND_FIELDS = {
    "name",
    "discount_type",
    "percent",
    "thresholds",
    "period_days",
    "valid_from",
    "valid_to",
    "is_personal",
    "prefix",
    "length",
    "check_digit",
    "combine_rule",
    "status",
}


def _kind_violations(data: dict, *, kind: CardKind | None) -> list[Violation]:
    violations: list[Violation] = []
    name = data["name"]
    if not name:
        violations.append(Violation(C.KIND_NAME_REQUIRED, _("Name the card kind."), "name"))
    elif CardKind.objects.filter(name__iexact=name).exclude(pk=getattr(kind, "pk", None)).exists():
        violations.append(
            Violation(
                C.KIND_NAME_TAKEN, _("A card kind named %(name)s exists.") % {"name": name}, "name"
            )
        )
    for field, choices in (
        ("discount_type", DiscountType),
        ("check_digit", CheckDigit),
        ("combine_rule", CombineRule),
        ("status", KindStatus),
    ):
        if data[field] not in choices.values:
            violations.append(
                Violation(
                    C.KIND_VALUE_UNKNOWN,
                    _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)},
                    field,
                )
            )
    percent = _decimal(data["percent"])
    if percent is None or not 0 <= percent <= 100:
        violations.append(
            Violation(C.KIND_PERCENT_INVALID, _("A discount is from 0 to 100 %."), "percent")
        )
    thresholds = data["thresholds"]
    amounts = [_decimal(a) for a, _p in thresholds]
    percents = [_decimal(p) for _a, p in thresholds]
    if (
        any(a is None or a < 0 for a in amounts)
        or any(p is None or not 0 < p <= 100 for p in percents)
        or len(set(amounts)) != len(amounts)
        or (data["discount_type"] == DiscountType.ACCUMULATIVE and not thresholds)
    ):
        violations.append(
            Violation(
                C.KIND_THRESHOLDS_INVALID,
                _(
                    "An accumulative kind needs thresholds: each a purchase amount of zero or "
                    "more, met once, with a discount above 0 and up to 100 %."
                ),
                "thresholds",
            )
        )
    if not isinstance(data["period_days"], int) or not 1 <= data["period_days"] <= 3660:
        violations.append(
            Violation(
                C.KIND_PERIOD_INVALID,
                _("The rolling period is from 1 to 3,660 days."),
                "period_days",
            )
        )
    if data["valid_from"] and data["valid_to"] and data["valid_to"] < data["valid_from"]:
        violations.append(
            Violation(
                C.KIND_VALIDITY_INVALID,
                _("The kind's validity cannot end before it starts."),
                "valid_to",
            )
        )
    if rules.format_problem(
        prefix=data["prefix"], length=data["length"], check_digit=data["check_digit"]
    ):
        violations.append(
            Violation(
                C.KIND_FORMAT_INVALID,
                _(
                    "The number format cannot hold numbers: EAN-13 numbers are 13 digits, a "
                    "length is from 4 to 32, a prefix with a check digit is digits only and "
                    "leaves room for the serial."
                ),
                "prefix",
            )
        )
    return violations


def _thresholds_of(values) -> list[tuple[Decimal, Decimal]]:
    return [(a, p) for a, p in values]


def _thresholds_store(kind: CardKind, thresholds, by) -> None:
    kind.thresholds.all().delete()
    for amount, percent in sorted((Decimal(str(a)), Decimal(str(p))) for a, p in thresholds):
        _stamp(CardThreshold(kind=kind, amount=amount, percent=percent), by).save()


@transaction.atomic
def card_kind_create(
    *,
    name: str,
    discount_type: str = DiscountType.FIXED,
    percent: Decimal = Decimal("0"),
    thresholds: Sequence[tuple[Decimal, Decimal]] = (),
    period_days: int = 365,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    is_personal: bool = False,
    prefix: str = "",
    length: int = 13,
    check_digit: str = CheckDigit.EAN13,
    combine_rule: str = CombineRule.LARGER,
    status: str = KindStatus.ACTIVE,
    by=None,
) -> CardKind:
    """Create a card kind. A fixed kind gives `percent`; an accumulative one the percent of
    the highest threshold the holder's purchases over `period_days` reach."""
    _permission_check(by, MANAGE_KINDS)
    data = {
        "name": " ".join((name or "").split()),
        "discount_type": discount_type,
        "percent": percent if discount_type == DiscountType.FIXED else Decimal("0"),
        "thresholds": _thresholds_of(thresholds),
        "period_days": period_days,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "is_personal": bool(is_personal),
        "prefix": (prefix or "").strip(),
        "length": length,
        "check_digit": check_digit,
        "combine_rule": combine_rule,
        "status": status,
    }
    violations = _kind_violations(data, kind=None)
    if violations:
        raise ValidationFailed(violations)
    thresholds = data.pop("thresholds")
    kind = _stamp(CardKind(**data, created_by=by), by)
    kind.save()
    _thresholds_store(kind, thresholds, by)
    return kind


@transaction.atomic
def card_kind_update(
    *, kind: CardKind, expected_version: int | None = None, by=None, **changes
) -> CardKind:
    """Change a card kind; `thresholds` replace the old ones. The number format of a kind
    that already has cards stays as it is: the cards' numbers were checked against it."""
    _permission_check(by, MANAGE_KINDS)
    unknown = set(changes) - KIND_FIELDS
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    kind = CardKind.objects.select_for_update().get(pk=kind.pk)
    if expected_version is not None:
        version_check(record=kind, expected=expected_version)
    data = {field: getattr(kind, field) for field in KIND_FIELDS - {"thresholds"}}
    data["thresholds"] = list(kind.thresholds.values_list("amount", "percent"))
    data.update(changes)
    data["name"] = " ".join((data["name"] or "").split())
    data["prefix"] = (data["prefix"] or "").strip()
    data["thresholds"] = _thresholds_of(data["thresholds"])
    violations = _kind_violations(data, kind=kind)
    format_changed = any(data[f] != getattr(kind, f) for f in ("prefix", "length", "check_digit"))
    if format_changed and kind.cards.exists():
        violations.append(
            Violation(
                C.KIND_FORMAT_INVALID,
                _("Cards of this kind are issued; their number format cannot change."),
                "prefix",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    thresholds = data.pop("thresholds")
    for field, value in data.items():
        setattr(kind, field, value)
    _stamp(kind, by).save()
    if "thresholds" in changes:
        _thresholds_store(kind, thresholds, by)
    return kind


# --- Cards (L2) ------------------------------------------------------------------------


def _number_violations(kind: CardKind, number: str, field: str = "number") -> list[Violation]:
    problem = rules.number_problem(
        number, prefix=kind.prefix, length=kind.length, check_digit=kind.check_digit
    )
    if problem == rules.WRONG_FORMAT:
        return [
            Violation(
                C.CARD_NUMBER_INVALID,
                _(
                    "Card number %(number)s does not fit kind %(kind)s: %(length)s "
                    "characters starting with “%(prefix)s”."
                )
                % {
                    "number": number,
                    "kind": kind.name,
                    "length": kind.length,
                    "prefix": kind.prefix,
                },
                field,
            )
        ]
    if problem == rules.WRONG_CHECK_DIGIT:
        return [
            Violation(
                C.CARD_CHECK_DIGIT_INVALID,
                _("The check digit of card number %(number)s is wrong; check the number.")
                % {"number": number},
                field,
            )
        ]
    return []


def card_number_next(kind: CardKind) -> str:
    """The next free number of a kind: one past the highest serial issued."""
    serial = kind.cards.count() + 1
    while True:
        number = rules.number_make(
            prefix=kind.prefix, length=kind.length, check_digit=kind.check_digit, serial=serial
        )
        if not LoyaltyCard.objects.filter(number=number).exists():
            return number
        serial += 1


def _holder_violations(
    kind: CardKind, partner: Partner | None, contact: ContactPerson | None
) -> list[Violation]:
    if partner is None and contact is None:
        return [
            Violation(
                C.CARD_HOLDER_REQUIRED,
                _("Issue the card to a partner or a contact person."),
                "partner_id",
            )
        ]
    if contact is not None and partner is not None and contact.partner_id != partner.pk:
        return [
            Violation(
                C.CARD_HOLDER_REQUIRED,
                _("The contact person is not one of the partner's."),
                "contact_id",
            )
        ]
    client = partner if partner is not None else contact.partner
    violations = []
    if client.is_archived:
        violations.append(
            Violation(
                C.CARD_HOLDER_ARCHIVED,
                _("Partner %(name)s is archived; a card cannot be issued to it.")
                % {"name": client.name},
                "partner_id",
            )
        )
    if kind.is_personal and contact is None and client.kind != PartnerKind.PERSON:
        violations.append(
            Violation(
                C.CARD_HOLDER_NOT_PERSON,
                _("Cards of kind %(kind)s are personal: issue them to a person.")
                % {"kind": kind.name},
                "contact_id",
            )
        )
    return violations


def _kind_usable_violations(kind: CardKind, on: datetime.date) -> list[Violation]:
    if kind.status == KindStatus.BLOCKED:
        return [
            Violation(
                C.CARD_KIND_BLOCKED,
                _("Card kind %(kind)s is blocked; no cards of it are issued.")
                % {"kind": kind.name},
                "kind_id",
            )
        ]
    if not rules.valid_on(on, kind.valid_from, kind.valid_to):
        return [
            Violation(
                C.CARD_VALIDITY_INVALID,
                _("Card kind %(kind)s is not valid on %(date)s.")
                % {"kind": kind.name, "date": on.isoformat()},
                "issued_on",
            )
        ]
    return []


def _valid_to_of(kind: CardKind, valid_to: datetime.date | None) -> datetime.date | None:
    if valid_to is None:
        return kind.valid_to
    return valid_to if kind.valid_to is None else min(valid_to, kind.valid_to)


@transaction.atomic
def card_issue(
    *,
    kind: CardKind,
    partner: Partner | None = None,
    contact: ContactPerson | None = None,
    number: str | None = None,
    issued_on: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    by=None,
) -> LoyaltyCard:
    """Issue a card of `kind` to a partner or to a contact person (then the card belongs to
    the contact's partner). Without a number the kind's next one is given. The number must
    fit the kind's format and check digit and be free; the kind must be active and valid;
    the holder not archived; a personal kind goes to a person."""
    _permission_check(by, ISSUE_CARDS)
    # Read the kind afresh under its lock: a kind blocked a moment ago issues nothing.
    kind = CardKind.objects.select_for_update().get(pk=kind.pk)
    issued_on = issued_on or today()
    number = rules.number_clean(number) if number else ""
    violations = _kind_usable_violations(kind, issued_on)
    violations += _holder_violations(kind, partner, contact)
    if number:
        violations += _number_violations(kind, number)
    if valid_to is not None and valid_to < issued_on:
        violations.append(
            Violation(
                C.CARD_VALIDITY_INVALID,
                _("The card cannot expire before it is issued."),
                "valid_to",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    if not number:
        number = card_number_next(kind)
    elif LoyaltyCard.objects.filter(number=number).exists():
        raise Conflict.single(
            C.CARD_NUMBER_TAKEN,
            _("Card number %(number)s is already issued.") % {"number": number},
            "number",
        )
    card = LoyaltyCard(
        number=number,
        kind=kind,
        partner=partner if partner is not None else contact.partner,
        contact=contact,
        issued_on=issued_on,
        valid_to=_valid_to_of(kind, valid_to),
        percent=kind.percent if not kind.is_accumulative else Decimal("0"),
        created_by=by,
    )
    _stamp(card, by).save()
    if kind.is_accumulative:
        card_thresholds_recompute(partner_ids=[card.partner_id], on=issued_on)
        card.refresh_from_db()
    return card


def _locked(card: LoyaltyCard, expected_version: int | None = None) -> LoyaltyCard:
    fresh = LoyaltyCard.objects.select_for_update().get(pk=card.pk)
    if expected_version is not None:
        version_check(record=fresh, expected=expected_version)
    return fresh


@transaction.atomic
def card_update(
    *, card: LoyaltyCard, expected_version: int | None = None, by=None, **changes
) -> LoyaltyCard:
    """Change a card's expiry date (its number, kind and holder stay: replace it instead)."""
    _permission_check(by, ISSUE_CARDS)
    unknown = set(changes) - {"valid_to"}
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    card = _locked(card, expected_version)
    valid_to = changes.get("valid_to", card.valid_to)
    if valid_to is not None and valid_to < card.issued_on:
        raise ValidationFailed.single(
            C.CARD_VALIDITY_INVALID, _("The card cannot expire before it is issued."), "valid_to"
        )
    card.valid_to = valid_to
    _stamp(card, by).save()
    return card


@transaction.atomic
def card_block(
    *, card: LoyaltyCard, reason: str = "", expected_version: int | None = None, by=None
) -> LoyaltyCard:
    """Block an active card (lost, misused): it gives no discount from now on and an order
    carrying it cannot be posted. The history keeps who blocked it and why."""
    _permission_check(by, ISSUE_CARDS)
    card = _locked(card, expected_version)
    if card.status != CardStatus.ACTIVE:
        raise Conflict.single(
            C.CARD_NOT_ACTIVE,
            _("Card %(number)s is not active (it is %(status)s).")
            % {"number": card.number, "status": card.get_status_display()},
            "status",
        )
    card.status = CardStatus.BLOCKED
    card.block_reason = " ".join((reason or "").split())[:255]
    _stamp(card, by).save()
    return card


@transaction.atomic
def card_replace(
    *,
    card: LoyaltyCard,
    number: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
    by=None,
) -> LoyaltyCard:
    """Replace a card (lost, worn out) by a new one of the same kind and holder, which
    keeps its discount; the old one becomes "replaced" and points at the new one. Returns
    the new card."""
    _permission_check(by, ISSUE_CARDS)
    card = _locked(card, expected_version)
    if card.status == CardStatus.REPLACED:
        raise Conflict.single(
            C.CARD_REPLACED,
            _("Card %(number)s is already replaced.") % {"number": card.number},
            "status",
        )
    on = today()
    kind = card.kind
    number = rules.number_clean(number) if number else ""
    violations = _kind_usable_violations(kind, on)
    violations += _holder_violations(kind, card.partner, card.contact)
    if number:
        violations += _number_violations(kind, number)
    if violations:
        raise ValidationFailed(violations)
    if not number:
        number = card_number_next(kind)
    elif LoyaltyCard.objects.filter(number=number).exists():
        raise Conflict.single(
            C.CARD_NUMBER_TAKEN,
            _("Card number %(number)s is already issued.") % {"number": number},
            "number",
        )
    new = LoyaltyCard(
        number=number,
        kind=kind,
        partner_id=card.partner_id,
        contact_id=card.contact_id,
        issued_on=on,
        valid_to=card.valid_to if card.valid_to is None or card.valid_to >= on else None,
        percent=card.percent,
        created_by=by,
    )
    _stamp(new, by).save()
    card.status = CardStatus.REPLACED
    card.replaced_by = new
    card.block_reason = " ".join((reason or "").split())[:255]
    _stamp(card, by).save()
    return new


@transaction.atomic
def card_thresholds_recompute(
    *, partner_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> int:
    """Set each active accumulative card's percent from its holder's purchases over the
    kind's rolling period ending on `on` (shipped totals, read from sales through
    `purchases`). All cards when `partner_ids` is None (the nightly run: purchases age out
    of the window). Returns how many cards changed; only those are saved (and recorded)."""
    on = on or today()
    cards = LoyaltyCard.objects.filter(
        status=CardStatus.ACTIVE, kind__discount_type=DiscountType.ACCUMULATIVE
    ).select_related("kind")
    if partner_ids is not None:
        partner_ids = sorted(set(partner_ids))
        cards = cards.filter(partner_id__in=partner_ids)
    cards = list(cards.order_by("pk").select_for_update(of=("self",)))
    if not cards:
        return 0
    kinds = {card.kind_id: card.kind for card in cards}
    thresholds: dict[int, list] = {pk: [] for pk in kinds}
    for kind_id, amount, percent in CardThreshold.objects.filter(
        kind_id__in=list(kinds)
    ).values_list("kind_id", "amount", "percent"):
        thresholds[kind_id].append((amount, percent))
    totals_by_period: dict[int, dict[int, Decimal]] = {}
    for days in {kind.period_days for kind in kinds.values()}:
        start, end = rules.rolling_period(on, days)
        totals_by_period[days] = purchases.purchase_totals(partner_ids, start, end)
    changed = 0
    for card in cards:
        total = totals_by_period[card.kind.period_days].get(card.partner_id, Decimal("0"))
        percent = rules.threshold_percent(total, thresholds[card.kind_id])
        if percent != card.percent:
            card.percent = percent
            card.save(update_fields=["percent"])
            changed += 1
    return changed
