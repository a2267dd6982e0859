"""Duplicate detection (P9): which active partners look like the one being entered.

Evidence, strongest first:
- the same INN on an active counterparty (exact);
- the same phone (compared in E.164, so "8 (912) 345-67-89" meets "+7 912 345 67 89");
- the same e-mail (case-insensitive);
- a similar name: `keys.name_key` drops legal forms, quotes, punctuation and case and
  transliterates Cyrillic, then rapidfuzz scores the similarity.

Never a full scan: exact evidence is looked up through indexed columns (Counterparty.inn,
ContactInfo (kind, key)); names first meet candidates through the indexed PartnerNameKey
table (the beginnings and ends of every word, keys.py) — at most CANDIDATE_CAP partners
sharing the most keys — and only those are scored. Each candidate comes with its reasons
and a score (0–100) to rank by.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from ladoga.core.errors import ValidationFailed

from . import keys
from .errors import PartnersCode
from .models import ContactInfo, ContactInfoKind, Counterparty, Partner, PartnerNameKey
from .models.partner import PartnerStatus

NAME_THRESHOLD = 80  # % similarity of normalised names that makes a candidate
# Partners scored per name check, those sharing the most keys. At 100,000 partners 300
# found as many typos' partners as 500 (95.4 % of 581), 200 fewer (94.7 %).
CANDIDATE_CAP = 300
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
        return _combined_score(self.reasons)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def _strength(reasons: list[Reason]) -> int:
    """The best reason's score raised a little by every further reason, uncapped: what
    candidates are ranked by, so more evidence ranks first even past 100."""
    if not reasons:
        return 0
    return max(r.score for r in reasons) + EXTRA_REASON_BONUS * (len(reasons) - 1)


def _combined_score(reasons: list[Reason]) -> int:
    """The score shown: the strength, at most 100."""
    return min(100, _strength(reasons))


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


@dataclass(frozen=True)
class DuplicateQuery:
    """What is known of one partner being entered; any part may be empty."""

    name: str = ""
    inn: tuple[str, ...] = ()
    phone: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    exclude: frozenset[int] = frozenset()

    @classmethod
    def of(cls, *, name="", inn=(), phone=(), email=(), exclude=()) -> "DuplicateQuery":
        return cls(
            name=name or "",
            inn=tuple(_values(inn)),
            phone=tuple(_values(phone)),
            email=tuple(_values(email)),
            exclude=frozenset(exclude),
        )


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
    query = DuplicateQuery.of(name=name, inn=inn, phone=phone, email=email, exclude=exclude)
    return duplicates_find_many([query], limit=limit, threshold=threshold)[0]


def duplicates_find_many(
    queries: Sequence[DuplicateQuery], *, limit: int = 10, threshold: int = NAME_THRESHOLD
) -> list[list[Candidate]]:
    """duplicates_find for many partners at once (an import batch): the same evidence and
    ranking, in six queries whatever the number of partners."""
    found: list[dict[int, list[Reason]]] = [{} for _query in queries]

    def add(index: int, partner_id: int, reason: Reason) -> None:
        if partner_id in queries[index].exclude:
            return
        reasons = found[index].setdefault(partner_id, [])
        if all(r.code != reason.code for r in reasons):
            reasons.append(reason)

    wanted_inns = [[i for i in map(_digits, q.inn) if i] for q in queries]
    by_inn = _partners_by(
        Counterparty.objects.filter(
            status=PartnerStatus.ACTIVE, partner__status=PartnerStatus.ACTIVE
        ),
        "inn",
        {i for inns in wanted_inns for i in inns},
    )
    for index, inns in enumerate(wanted_inns):
        for inn in inns:
            for partner_id in by_inn.get(inn, ()):
                add(
                    index,
                    partner_id,
                    Reason("inn", _("same INN %(inn)s") % {"inn": inn}, WEIGHTS["inn"]),
                )

    wanted_phones = [_phone_keys(q.phone) for q in queries]
    wanted_emails = [[keys.email_key(e) for e in q.email] for q in queries]
    for kind, wanted in (
        (ContactInfoKind.PHONE, wanted_phones),
        (ContactInfoKind.EMAIL, wanted_emails),
    ):
        by_key = _partners_by(
            ContactInfo.objects.filter(kind=kind, partner__status=PartnerStatus.ACTIVE),
            "key",
            {k for query_keys in wanted for k in query_keys},
        )
        for index, query_keys in enumerate(wanted):
            for key in query_keys:
                for partner_id in by_key.get(key, ()):
                    add(index, partner_id, _exact_reason(kind, key))

    name_keys = [keys.name_key(q.name) for q in queries]
    candidates = _name_candidates(
        [
            keys.name_search_keys(q.name) if k else set()
            for q, k in zip(queries, name_keys, strict=True)
        ]
    )
    for index, (wanted_key, named) in enumerate(zip(name_keys, candidates, strict=True)):
        for partner_id, similarity in _similar(wanted_key, named, threshold):
            add(
                index,
                partner_id,
                Reason(
                    "name",
                    _("name %(percent)d %% similar") % {"percent": similarity},
                    round(similarity * NAME_WEIGHT),
                ),
            )

    shortlists = [_shortlist(reasons_of, limit) for reasons_of in found]
    partners = Partner.objects.select_related("manager").in_bulk(
        list({pk for shortlist in shortlists for pk in shortlist})
    )
    results = []
    for reasons_of, shortlist in zip(found, shortlists, strict=True):
        ranked = [
            Candidate(partner=partners[pk], reasons=sorted(reasons_of[pk], key=lambda r: -r.score))
            for pk in shortlist
            if pk in partners
        ]
        ranked.sort(key=lambda c: (-_strength(c.reasons), c.partner.name, c.partner.pk))
        results.append(ranked[:limit])
    return results


def _shortlist(reasons_of: dict[int, list[Reason]], limit: int) -> list[int]:
    """The partners that can make the first `limit` places: those as strong as the
    limit-th strongest (ties are broken by name, which only the loaded partner knows).
    A common name may bring hundreds of candidates; only these are loaded."""
    scores = {pk: _strength(reasons) for pk, reasons in reasons_of.items()}
    if len(scores) <= limit:
        return list(scores)
    cutoff = sorted(scores.values(), reverse=True)[limit - 1]
    return [pk for pk, score in scores.items() if score >= cutoff]


def _partners_by(queryset, column: str, values: set[str]) -> dict[str, list[int]]:
    """The partners having each of `values` in `column` (one query)."""
    found: dict[str, list[int]] = {}
    if values:
        rows = queryset.filter(**{f"{column}__in": sorted(values)}).values_list(
            column, "partner_id"
        )
        for value, partner_id in rows:
            found.setdefault(value, []).append(partner_id)
    return found


def _exact_reason(kind: str, key: str) -> Reason:
    if kind == ContactInfoKind.PHONE:
        message = _("same phone %(phone)s") % {"phone": keys.phone_display(key)}
        return Reason("phone", message, WEIGHTS["phone"])
    return Reason("email", _("same e-mail %(email)s") % {"email": key}, WEIGHTS["email"])


def _name_candidates(key_sets: list[set[str]]) -> list[list[tuple[int, str]]]:
    """For each set of name search keys, the active partners sharing the most of them (at
    most CANDIDATE_CAP), with their normalised names. One name: counted and cut by the
    database; many: every (key, partner) pair of all the keys read at once and counted
    here."""
    if len(key_sets) == 1:
        if not key_sets[0]:
            return [[]]
        # COUNT(*), not COUNT(id): PostgreSQL can then count from the (key, partner)
        # index alone. One query: the nearest partners are a subquery of the names' read.
        nearest = (
            PartnerNameKey.objects.filter(key__in=sorted(key_sets[0]))
            .values("partner_id")
            .annotate(hits=Count("*"))
            .order_by("-hits", "partner_id")
            .values("partner_id")[:CANDIDATE_CAP]
        )
        active = Partner.objects.filter(pk__in=nearest, status=PartnerStatus.ACTIVE)
        return [list(active.order_by().values_list("id", "name_key"))]
    holders: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    all_keys = sorted(set().union(*key_sets))
    if all_keys:
        rows = PartnerNameKey.objects.filter(
            key__in=all_keys, partner__status=PartnerStatus.ACTIVE
        ).values_list("key", "partner_id", "partner__name_key")
        for key, partner_id, name in rows:
            holders.setdefault(key, []).append(partner_id)
            names[partner_id] = name
    result = []
    for wanted in key_sets:
        hits = Counter(pk for key in wanted for pk in holders.get(key, ()))
        ranked = sorted(hits.items(), key=lambda item: (-item[1], item[0]))
        result.append([(pk, names[pk]) for pk, _hits in ranked[:CANDIDATE_CAP]])
    return result


def _similar(name_key: str, named: list[tuple[int, str]], threshold: int):
    """The (partner, similarity) of `named` whose names are at least `threshold` % like
    `name_key` — key_similarity, computed by rapidfuzz over the whole list at once."""
    if not name_key or not named:
        return []
    choices = [name for _pk, name in named]
    best: dict[int, float] = {}
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _choice, score, position in process.extract(
            name_key, choices, scorer=scorer, score_cutoff=threshold - 0.5, limit=None
        ):
            best[position] = max(best.get(position, 0), score)
    return [
        (named[position][0], round(score))
        for position, score in sorted(best.items())
        if round(score) >= threshold
    ]


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())
