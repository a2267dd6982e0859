"""Reads of the partners domain, always through record-level access (accounts.access)."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.core.errors import ValidationFailed
from ladoga.core.text import text_contains_q

from .duplicates import duplicates_find
from .errors import PartnersCode
from .keys import name_key, name_word_end_keys, phone_key
from .models import (
    ContactInfo,
    ContactPerson,
    ContactRelation,
    Counterparty,
    Partner,
    PartnerGroup,
    PartnerNameKey,
    PartnerRelation,
    PropertyDefinition,
    PropertyType,
    PropertyValue,
    RelationType,
    Segment,
)
from .models.partner import ROLE_FIELDS, PartnerRole
from .services.properties import property_value_parse


def partners_visible_to(*, user) -> QuerySet[Partner]:
    return access.visible(Partner.objects.select_related("manager", "group"), user)


def property_filter_q(*, spec: str, owner: str = "") -> Q:
    """A filter from "ID:VALUE" (exact; for text: contains) or "ID:FROM..TO" (numbers and
    dates, either end open). `owner` is the path to the partner or contact ("" for them)."""
    definition_id, sep, value = (spec or "").partition(":")
    definition = (
        PropertyDefinition.objects.filter(pk=int(definition_id)).first()
        if definition_id.isdigit() and sep
        else None
    )
    if definition is None:
        raise ValidationFailed.single(
            PartnersCode.PROPERTY_NOT_APPLICABLE,
            _("A property filter is PROPERTY_ID:VALUE with a known property."),
            "property",
        )
    values = PropertyValue.objects.filter(definition=definition)
    if definition.value_type in (PropertyType.NUMBER, PropertyType.DATE) and ".." in value:
        low, _dots, high = value.partition("..")
        column = "value_number" if definition.value_type == PropertyType.NUMBER else "value_date"
        if low:
            values = values.filter(
                **{f"{column}__gte": property_value_parse(definition, low)[column]}
            )
        if high:
            values = values.filter(
                **{f"{column}__lte": property_value_parse(definition, high)[column]}
            )
    elif definition.value_type == PropertyType.TEXT:
        values = values.filter(value_key__contains=" ".join(value.split()).casefold())
    else:
        columns = property_value_parse(definition, value)
        values = values.filter(**{k: v for k, v in columns.items() if v not in (None, "")})
    column = "partner_id" if definition.applies_to == "partner" else "contact_id"
    return Q(**{f"{owner}pk__in": values.values(column)})


def partners_filter(
    queryset: QuerySet[Partner],
    *,
    q: str = "",
    role: str = "",
    segment: int | None = None,
    manager: int | None = None,
    status: str = "",
    group: int | None = None,
    properties: list[str] | None = None,
) -> QuerySet[Partner]:
    """Filter a partner list: `q` matches the name (also transliterated and without legal
    forms), an INN, a phone or an e-mail."""
    if q:
        q = q.strip()
        match = name_search_q(q)
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 10 and len(digits) == len(q.replace(" ", "")):
            match |= Q(pk__in=Counterparty.objects.filter(inn=digits).values("partner_id"))
        if "@" in q:
            match |= Q(
                pk__in=ContactInfo.objects.filter(kind="email", key=q.lower()).values("partner_id")
            )
        queryset = queryset.filter(match)
    if role:
        if role not in PartnerRole.values:
            raise ValidationFailed.single(
                PartnersCode.ROLE_UNKNOWN, _("Unknown role %(role)s.") % {"role": role}, "role"
            )
        queryset = queryset.filter(**{ROLE_FIELDS[PartnerRole(role)]: True})
    if segment:
        queryset = queryset.filter(segments=segment)
    if manager:
        queryset = queryset.filter(manager_id=manager)
    if status:
        queryset = queryset.filter(status=status)
    if group:
        queryset = queryset.filter(group_id__in=group_ids_below(group))
    for spec in properties or []:
        queryset = queryset.filter(property_filter_q(spec=spec))
    return queryset


def name_search_q(q: str) -> Q:
    """Partners whose name matches the search text `q`.

    PostgreSQL: the name contains `q` in any case, or the normalised name (`name_key`:
    transliterated, lower case, no legal forms) contains q's — two LIKEs that trigram
    indexes serve (migration 0004), so "ромаш", "РОМАШКА" and "romashka" all find
    «Ромашка».

    SQLite has no such index, and its LIKE folds only Latin letters, so there the
    normalised name must contain q's and one of q's words must begin or end a word of the
    name (or be one): the candidates come from the indexed first and last three letters of
    every word (PartnerNameKey's "p:" and "s:" keys, kept for the duplicate check), never
    from a scan of every partner. "ромаш", "машка" and "Romashka" find «Ромашка», an inner
    part such as "омаш" does not. A query whose words are all shorter than three letters
    falls back to the full comparison, a scan.
    """
    key = name_key(q)
    if connection.vendor == "sqlite" and len(max(key.split(), key=len, default="")) >= 3:
        words = PartnerNameKey.objects.filter(key__in=sorted(name_word_end_keys(q)))
        return Q(pk__in=words.values("partner_id"), name_key__contains=key)
    match = Q(name__icontains=q)
    if key:
        match |= Q(name_key__contains=key)
    return match


def contacts_matching(contacts: QuerySet[ContactPerson], q: str) -> QuerySet[ContactPerson]:
    """Contact persons whose last or first name contains `q`, in any case and alphabet on
    both databases (core.text)."""
    return contacts.filter(text_contains_q(("last_name", "first_name"), q.strip()))


def group_ids_below(group_id: int) -> list[int]:
    """A group and all groups nested in it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in PartnerGroup.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, stack = [], [group_id]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def partner_detail_queryset(*, user) -> QuerySet[Partner]:
    """Partners with what their card shows, in a fixed number of queries."""
    return partners_visible_to(user=user).prefetch_related(
        "segments",
        Prefetch(
            "contact_info",
            queryset=ContactInfo.objects.filter(counterparty=None, contact=None),
            to_attr="own_contact_info",
        ),
        Prefetch(
            "property_values",
            queryset=PropertyValue.objects.select_related("definition", "value_choice"),
        ),
    )


def counterparties_visible_to(*, user) -> QuerySet[Counterparty]:
    return access.visible(Counterparty.objects.select_related("partner"), user)


def counterparty_detail_queryset(*, user) -> QuerySet[Counterparty]:
    return counterparties_visible_to(user=user).prefetch_related("bank_accounts", "contact_info")


def contacts_visible_to(*, user) -> QuerySet[ContactPerson]:
    return access.visible(ContactPerson.objects.select_related("partner"), user)


def contact_detail_queryset(*, user) -> QuerySet[ContactPerson]:
    return contacts_visible_to(user=user).prefetch_related(
        "contact_info",
        Prefetch(
            "property_values",
            queryset=PropertyValue.objects.select_related("definition", "value_choice"),
        ),
    )


@dataclass(frozen=True)
class RelationView:
    """A relation seen from one of its ends: how it reads from there, and the other end."""

    relation: PartnerRelation | ContactRelation
    name: str
    other_id: int
    other_name: str
    outgoing: bool


def partner_relations_visible_to(*, user) -> QuerySet[PartnerRelation]:
    return access.visible(PartnerRelation.objects.select_related("type", "source", "target"), user)


def contact_relations_visible_to(*, user) -> QuerySet[ContactRelation]:
    return access.visible(ContactRelation.objects.select_related("type", "source", "target"), user)


def relations_of(record: Partner | ContactPerson) -> list[RelationView]:
    """The relations of a partner or contact person from both ends (P7), each read from
    `record`'s side: "subsidiary of X" on one card, "parent of Y" on the other."""
    model = PartnerRelation if isinstance(record, Partner) else ContactRelation
    rows = model.objects.select_related("type", "source", "target").filter(
        Q(source=record) | Q(target=record)
    )
    views = []
    for relation in rows:
        outgoing = relation.source_id == record.pk
        other = relation.target if outgoing else relation.source
        views.append(
            RelationView(
                relation=relation,
                name=relation.type.name_from(first_end=outgoing),
                other_id=other.pk,
                other_name=str(other),
                outgoing=outgoing,
            )
        )
    return views


def segments_all() -> QuerySet[Segment]:
    return Segment.objects.all()


def groups_all() -> QuerySet[PartnerGroup]:
    return PartnerGroup.objects.all()


def relation_types_all() -> QuerySet[RelationType]:
    return RelationType.objects.all()


def property_definitions_all() -> QuerySet[PropertyDefinition]:
    return PropertyDefinition.objects.prefetch_related("choices")


@dataclass(frozen=True)
class DuplicateSuspects:
    """Suspected duplicates as one user may see them: the partners they may open (best
    first, with the reasons) and how many more there are that they may not."""

    visible: list  # duplicates.Candidate
    hidden: int = 0

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden > 0


def duplicate_suspects_of(*, user, candidates) -> DuplicateSuspects:
    """`candidates` (duplicates_find's answer) split by what `user` may open: only the
    partners visible to them are named; the rest are only counted."""
    visible_ids = set(
        partners_visible_to(user=user)
        .filter(pk__in=[c.partner.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    visible = [c for c in candidates if c.partner.pk in visible_ids]
    return DuplicateSuspects(visible=visible, hidden=len(candidates) - len(visible))


def duplicate_suspects(
    *, user, name: str = "", inn: str = "", phone: str = ""
) -> DuplicateSuspects:
    """The live check while a partner is being typed in (the wizard's first step, quick
    create): duplicates_find — the same check as the wizard's registration and the import
    — with what is typed so far. Evidence still being typed is left out rather than
    refused: a name shorter than three letters, an INN of other than 10 or 12 digits, a
    phone that is not a number yet."""
    name = (name or "").strip()[:255]
    inn_digits = "".join(ch for ch in (inn or "") if ch.isdigit())
    try:
        phones = [phone] if phone and phone_key(phone) else []
    except ValueError:
        phones = []
    found = duplicates_find(
        name=name if len(name) >= 3 else "",
        inn=inn_digits if len(inn_digits) in (10, 12) else "",
        phone=phones,
    )
    return duplicate_suspects_of(user=user, candidates=found)
