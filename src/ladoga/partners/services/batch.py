"""Many partners in one command (P12: the import of thousands of rows).

The same checks as the one-at-a-time commands — the field checks are the very functions
partner_create, partner_update, counterparty_create and contact_info_set use — but the
writes are a few statements for the whole batch instead of a dozen per partner: the
history of every record is written in bulk too. All or nothing: any violation of any
item is reported with its index ("3.counterparty.inn") and nothing is written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.core.events import Event, event_announce
from ladoga.core.guards import input_check
from ladoga.core.history import CHANGED, history_copy

from ..errors import PartnersCode
from ..keys import name_key
from ..models import ContactInfo, Counterparty, Partner, PartnerStatus, RecordStatus
from ._common import prefixed
from .contacts import contact_info_normalise, contact_info_wanted
from .partners import partner_changes_check, partner_fields_check, partner_name_keys_store
from .requisites import (
    counterparty_create,
    counterparty_fields_check,
    counterparty_update,
    inn_kpp_taken_message,
)

COUNTERPARTY_FILLED = ("kpp", "ogrn", "full_name", "legal_address")


@dataclass
class PartnerDraft:
    """A new partner: partner_create's arguments, counterparty_create's (without the
    partner) and its contact information items."""

    partner: Mapping
    counterparty: Mapping | None = None
    contact_info: Sequence = ()


@dataclass
class PartnerChange:
    """What to change in an existing partner: partner_update's changes; a counterparty
    the partner has (matched by INN and KPP: the given non-empty requisites fill it in) or
    gets (when it has none with that INN); contact information added where new."""

    partner_id: int
    changes: Mapping = field(default_factory=dict)
    counterparty: Mapping | None = None
    contact_info: Sequence = ()


def _violation(index: int, code: str, message: str, name: str = "") -> Violation:
    return Violation(code, message, f"{index}.{name}" if name else str(index))


def _taken_pairs(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    inns = {inn for inn, _kpp in pairs}
    taken = Counterparty.objects.filter(inn__in=inns, status=RecordStatus.ACTIVE)
    return {pair for pair in taken.values_list("inn", "kpp") if pair in pairs}


@transaction.atomic
def partners_create_many(*, drafts: Sequence[PartnerDraft], by=None) -> list[Partner]:
    """Create every draft's partner with its counterparty and contact information, in
    order; returns the partners. Does not look for duplicates (the caller did)."""
    violations: list[Violation] = []
    partners, counterparties, infos = [], [], []  # infos: (draft index, WantedInfo)
    pairs: dict[tuple[str, str], int] = {}
    for index, draft in enumerate(drafts):
        fields, found = partner_fields_check(**draft.partner, by=by)
        violations += [
            _violation(index, v.code, v.message, f"partner.{v.field}" if v.field else "partner")
            for v in found
        ]
        partners.append(Partner(**fields))
        if draft.counterparty:
            cp_fields, found = counterparty_fields_check(**draft.counterparty)
            violations += [
                _violation(index, v.code, v.message, f"counterparty.{v.field}") for v in found
            ]
            pair = (cp_fields["inn"], cp_fields["kpp"])
            if pair[0] and pairs.setdefault(pair, index) != index:
                violations.append(
                    _violation(
                        index,
                        PartnersCode.COUNTERPARTY_INN_KPP_TAKEN,
                        inn_kpp_taken_message(*pair),
                        "counterparty.inn",
                    )
                )
            counterparties.append((index, cp_fields))
        wanted, found = contact_info_wanted(draft.contact_info)
        violations += [
            _violation(index, v.code, v.message, f"contact_info.{v.field}") for v in found
        ]
        infos += [(index, item) for item in wanted.values()]
    for pair in _taken_pairs(set(pairs)):
        violations.append(
            _violation(
                pairs[pair],
                PartnersCode.COUNTERPARTY_INN_KPP_TAKEN,
                inn_kpp_taken_message(*pair),
                "counterparty.inn",
            )
        )
    if violations:
        raise ValidationFailed(violations)

    partners = _created(Partner, partners, by)
    partner_name_keys_store(*partners, new=True)
    for partner in partners:
        event_announce(Event.PARTNER_CREATED, obj=partner)
    try:
        with transaction.atomic():
            _created(
                Counterparty,
                [
                    Counterparty(partner=partners[index], created_by=by, **fields)
                    for index, fields in counterparties
                ],
                by,
            )
    except IntegrityError:
        # Another transaction took a pair after the check (PostgreSQL); nothing is kept.
        raise Conflict.single(
            PartnersCode.COUNTERPARTY_INN_KPP_TAKEN,
            _("An active counterparty with one of these INN and KPP was created meanwhile."),
        ) from None
    _created(
        ContactInfo,
        [
            ContactInfo(
                partner=partners[index],
                kind=item.kind,
                key=item.key,
                value=item.value,
                label=item.label,
                is_primary=item.is_primary,
                created_by=by,
            )
            for index, item in infos
        ],
        by,
    )
    return partners


def _created(model, records: list, by) -> list:
    """Insert `records` (their primary keys are set) and record them in history."""
    for record in records:
        input_check(record)
    records = model.objects.bulk_create(records)
    history_copy(model, [r.pk for r in records], by=by)
    return records


def counterparty_by_kpp(same_inn: Sequence, kpp: str, kpp_of=lambda c: c.kpp):
    """Of active counterparties sharing an INN (in creation order), the one a KPP names:
    the same KPP, else one without a KPP (a branch has its own KPP), else — when no KPP is
    given — the first. The import decides and writes by this one rule."""
    return (
        next((c for c in same_inn if kpp_of(c) == kpp), None)
        or (next((c for c in same_inn if not kpp_of(c)), None) if kpp else None)
        or (same_inn[0] if same_inn and not kpp else None)
    )


@transaction.atomic
def partners_update_many(*, changes: Sequence[PartnerChange], by=None) -> list[Partner]:
    """Apply every change, in order; returns the partners. A partner is saved (and its
    history written) only when a field really changes."""
    ids = [change.partner_id for change in changes]
    locked = Partner.objects.select_for_update().in_bulk(ids)
    violations: list[Violation] = []
    shaped = []
    for index, change in enumerate(changes):
        partner = locked.get(change.partner_id)
        if partner is None or partner.status != PartnerStatus.ACTIVE:
            violations.append(
                _violation(
                    index,
                    PartnersCode.PARTNER_ARCHIVED,
                    _("Partner %(id)s does not exist or is archived.") % {"id": change.partner_id},
                    "partner_id",
                )
            )
            continue
        if "segments" in change.changes:
            raise TypeError("partners_update_many does not change segments; use partner_update")
        fields, found = partner_changes_check(dict(change.changes))
        violations += [_violation(index, v.code, v.message, v.field) for v in found]
        for item_index, item in enumerate(change.contact_info):
            try:
                contact_info_normalise(item["kind"], item["value"])
            except ValidationFailed as error:
                violations += prefixed(error, f"{index}.contact_info.{item_index}.")
        shaped.append((partner, fields, change))
    if violations:
        raise ValidationFailed(violations)

    now = timezone.now()
    changed, renamed, changed_fields = {}, [], set()
    for partner, fields, _change in shaped:
        differing = {k: v for k, v in fields.items() if getattr(partner, k) != v}
        if not differing:
            continue
        for name, value in differing.items():
            setattr(partner, name, value)
        if "name" in differing:
            partner.name_key = name_key(partner.name)
            renamed.append(partner)
            differing["name_key"] = partner.name_key
        partner.version += 1
        partner.updated_at = now
        changed[partner.pk] = partner
        changed_fields |= set(differing)
    if changed:
        Partner.objects.bulk_update(
            list(changed.values()), [*sorted(changed_fields), "version", "updated_at"]
        )
        history_copy(Partner, changed, by=by, kind=CHANGED)
    if renamed:
        partner_name_keys_store(*renamed)

    _counterparties_fill(shaped, by)
    _contact_info_add_many(shaped, by)
    return [partner for partner, _fields, _change in shaped]


def _counterparties_fill(shaped, by) -> None:
    wanted = [(p, c.counterparty) for p, _f, c in shaped if c.counterparty]
    if not wanted:
        return
    mine: dict[int, list[Counterparty]] = {}
    current = Counterparty.objects.filter(
        partner__in=[p.pk for p, _data in wanted], status=RecordStatus.ACTIVE
    ).order_by("pk")
    for counterparty in current:
        mine.setdefault(counterparty.partner_id, []).append(counterparty)
    for partner, data in wanted:
        inn, kpp = data.get("inn", ""), data.get("kpp", "")
        same_inn = [c for c in mine.get(partner.pk, []) if c.inn == inn]
        existing = counterparty_by_kpp(same_inn, kpp) if inn else None
        if existing is None:
            created = counterparty_create(partner=partner, by=by, **data)
            mine.setdefault(partner.pk, []).append(created)
            continue
        filled = {k: v for k, v in data.items() if v and k in COUNTERPARTY_FILLED}
        if any(getattr(existing, k) != v for k, v in filled.items()):
            counterparty_update(counterparty=existing, expected_version=None, by=by, **filled)


def _contact_info_add_many(shaped, by) -> None:
    """Contact information added to partners (as contact_info_add does it one by one):
    what the partner has already is kept once; the first of a kind it lacks is primary."""
    partner_ids = [p.pk for p, _f, c in shaped if c.contact_info]
    if not partner_ids:
        return
    have: set[tuple[int, str, str]] = set()
    kinds: set[tuple[int, str]] = set()
    rows = ContactInfo.objects.filter(
        partner__in=partner_ids, counterparty=None, contact=None
    ).values_list("partner_id", "kind", "key")
    for partner_id, kind, key in rows:
        have.add((partner_id, kind, key))
        kinds.add((partner_id, kind))
    new = []
    for partner, _fields, change in shaped:
        for item in change.contact_info:
            value, key = contact_info_normalise(item["kind"], item["value"])
            if (partner.pk, item["kind"], key) in have:
                continue
            have.add((partner.pk, item["kind"], key))
            new.append(
                ContactInfo(
                    partner=partner,
                    kind=item["kind"],
                    key=key,
                    value=value,
                    is_primary=(partner.pk, item["kind"]) not in kinds,
                    created_by=by,
                )
            )
            kinds.add((partner.pk, item["kind"]))
    _created(ContactInfo, new, by)
