"""Duplicate detection (P9): which active partners look like the one being entered.

Evidence, strongest first:
- the same INN on an active counterparty (exact);
- the same phone (compared in E.164, so "8 (912) 345-67-89" meets "+7 912 345 67 89");
- the same e-mail (case-insensitive);
- a similar name: `keys.name_key` drops legal forms, quotes, punctuation and case and
  transliterates Cyrillic, then rapidfuzz scores the similarity.

Never a full scan: exact evidence is looked up through indexed columns (Counterparty.inn,
ContactInfo (kind, key)); names first meet candidates through the indexed PartnerNameKey
table (the first and last three letters of every word) — at most CANDIDATE_CAP partners
sharing the most keys — and only those are scored. Each candidate comes with its reasons
and a score (0–100) to rank by.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from ladoga.core.errors import ValidationFailed

from . import keys
from .errors import PartnersCode
from .models import ContactInfo, ContactInfoKind, Counterparty, Partner, PartnerNameKey
from .models.partner import PartnerStatus

NAME_THRESHOLD = 80  # % similarity of normalised names that makes a candidate
CANDIDATE_CAP = 500  # partners scored per name check, those sharing the most keys
WEIGHTS = {"inn": 100, "phone": 90, "email": 90}
NAME_WEIGHT = 0.85  # a 100 % similar name alone scores 85: below an INN, phone or e-mail
EXTRA_REASON_BONUS = 5


@dataclass(frozen=True)
class Reason:
    code: str  # "inn", "phone", "email", "name"
    message: str
    score: int


@dataclass
class Candidate:
    partner: Partner
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> int:
        best = sorted((r.score for r in self.reasons), reverse=True)
        if not best:
            return 0
        return min(100, best[0] + EXTRA_REASON_BONUS * (len(best) - 1))

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def name_similarity(a: str, b: str) -> int:
    """How alike two names are, 0–100, after normalisation (pure: no database)."""
    key_a, key_b = keys.name_key(a), keys.name_key(b)
    return key_similarity(key_a, key_b)


def key_similarity(key_a: str, key_b: str) -> int:
    if not key_a or not key_b:
        return 0
    return round(max(fuzz.ratio(key_a, key_b), fuzz.token_sort_ratio(key_a, key_b)))


def _values(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [v.strip() for v in value if v and v.strip()]


def _phone_keys(phones: list[str]) -> list[str]:
    found = []
    for phone in phones:
        try:
            found.append(keys.phone_key(phone))
        except ValueError:
            raise ValidationFailed.single(
                PartnersCode.PHONE_INVALID,
                _("%(value)s is not a phone number.") % {"value": phone},
                "phone",
            ) from None
    return found


def duplicates_find(
    *,
    name: str = "",
    inn: str | Iterable[str] = (),
    phone: str | Iterable[str] = (),
    email: str | Iterable[str] = (),
    exclude: Iterable[int] = (),
    limit: int = 10,
    threshold: int = NAME_THRESHOLD,
) -> list[Candidate]:
    """Ranked active partners that may be the same as the one described (P9).

    Raises ValidationFailed (phone_invalid) for a phone that is not a number.
    """
    found: dict[int, list[Reason]] = {}
    excluded = set(exclude)

    def add(partner_id: int, reason: Reason) -> None:
        if partner_id in excluded:
            return
        reasons = found.setdefault(partner_id, [])
        if all(r.code != reason.code for r in reasons):
            reasons.append(reason)

    inns = [i for i in (_digits(v) for v in _values(inn)) if i]
    if inns:
        rows = Counterparty.objects.filter(
            inn__in=inns, status=PartnerStatus.ACTIVE, partner__status=PartnerStatus.ACTIVE
        ).values_list("partner_id", "inn")
        for partner_id, value in rows:
            add(partner_id, Reason("inn", _("same INN %(inn)s") % {"inn": value}, WEIGHTS["inn"]))

    exact = [
        (ContactInfoKind.PHONE, _phone_keys(_values(phone))),
        (ContactInfoKind.EMAIL, [keys.email_key(e) for e in _values(email)]),
    ]
    for kind, wanted in exact:
        if not wanted:
            continue
        rows = ContactInfo.objects.filter(
            kind=kind, key__in=wanted, partner__status=PartnerStatus.ACTIVE
        ).values_list("partner_id", "key")
        for partner_id, key in rows:
            if kind == ContactInfoKind.PHONE:
                reason = Reason(
                    "phone",
                    _("same phone %(phone)s") % {"phone": keys.phone_display(key)},
                    WEIGHTS["phone"],
                )
            else:
                reason = Reason(
                    "email", _("same e-mail %(email)s") % {"email": key}, WEIGHTS["email"]
                )
            add(partner_id, reason)

    name_key = keys.name_key(name)
    if name_key:
        search_keys = sorted(keys.name_search_keys(name))
        ids = list(
            PartnerNameKey.objects.filter(key__in=search_keys)
            .values("partner_id")
            .annotate(hits=Count("id"))
            .order_by("-hits", "partner_id")
            .values_list("partner_id", flat=True)[:CANDIDATE_CAP]
        )
        rows = Partner.objects.filter(pk__in=ids, status=PartnerStatus.ACTIVE).values_list(
            "id", "name_key"
        )
        for partner_id, key in rows:
            similarity = key_similarity(name_key, key)
            if similarity >= threshold:
                add(
                    partner_id,
                    Reason(
                        "name",
                        _("name %(percent)d %% similar") % {"percent": similarity},
                        round(similarity * NAME_WEIGHT),
                    ),
                )

    if not found:
        return []
    partners = Partner.objects.select_related("manager").in_bulk(list(found))
    candidates = [
        Candidate(partner=partners[pk], reasons=sorted(reasons, key=lambda r: -r.score))
        for pk, reasons in found.items()
        if pk in partners
    ]
    candidates.sort(key=lambda c: (-c.score, c.partner.name, c.partner.pk))
    return candidates[:limit]


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())
