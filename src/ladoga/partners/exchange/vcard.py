"""vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) export and import of contact persons (P12).

Export writes one card per contact person with vobject: name (N, FN), the partner (ORG),
position (TITLE), role in decisions (ROLE), birthday, comment (NOTE), phones (TEL; a
`tel:` URI in 4.0), e-mails, addresses, sites and messengers (IMPP, when written as a
URI), a stable UID and the time of the last change (REV). Lines end in CRLF and are folded
at 75 octets, as address books expect.

Import reads every card of a .vcf file into a contact person of a chosen partner, with
their phones, e-mails, addresses and sites. Each card is checked on its own: a card
without a name, or with a phone that is not a number, is an error; a card whose phone or
e-mail already belongs to a contact person, or whose name the partner already has among
its contacts, or that repeats an earlier card of the file, is skipped as a duplicate with
the reason. Cards are written in one transaction; when some card has an error and the
caller did not choose `skip_invalid`, nothing is written. A file that is not a vCard is
refused as a whole.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import vobject
from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError, ValidationFailed, Violation

from .. import services
from ..models import ContactInfo, ContactInfoKind, ContactPerson, DecisionRole, Partner
from ..models.contact import ADDRESS_KINDS
from .tabular import ImportFileError

VERSIONS = ("3.0", "4.0")
PRODID = "-//Ladoga//Ladoga CRM//EN"
MAX_CARDS = 5000
UID_NAMESPACE = uuid.UUID("6f1c1f6e-8d0e-4b7b-9d43-4b1c1a5a1d0b")
ADR_TYPES = {
    ContactInfoKind.LEGAL_ADDRESS: "work",
    ContactInfoKind.ACTUAL_ADDRESS: "work",
    ContactInfoKind.POSTAL_ADDRESS: "postal",
}


def version_check(version: str) -> str:
    if version not in VERSIONS:
        raise ValidationFailed.single(
            "vcard_version_unknown",
            _("A vCard is version 3.0 or 4.0."),
            "version",
        )
    return version


def contacts_for_vcard(queryset):
    """Contact persons with what their cards need, in a fixed number of queries."""
    return queryset.select_related("partner").prefetch_related(
        Prefetch("contact_info", queryset=ContactInfo.objects.order_by("kind", "-is_primary", "id"))
    )


def _type_words(label: str, default: list[str]) -> list[str]:
    text = (label or "").casefold()
    if any(w in text for w in ("mobile", "cell", "моб", "сот")):
        return ["cell", "voice"]
    if any(w in text for w in ("home", "дом")):
        return ["home", "voice"]
    if "fax" in text or "факс" in text:
        return ["fax"]
    return default


def vcard_of(contact: ContactPerson, *, version: str = "3.0"):
    """One contact person as a vobject vCard component."""
    version = version_check(version)
    four = version == "4.0"
    card = vobject.vCard()
    card.add("version").value = version
    card.add("prodid").value = PRODID
    card.add("uid").value = (
        f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'contact:{contact.pk}')}"
        if four
        else f"ladoga-contact-{contact.pk}"
    )
    card.add("n").value = vobject.vcard.Name(
        family=contact.last_name, given=contact.first_name, additional=contact.middle_name
    )
    card.add("fn").value = contact.full_name or str(contact.partner)
    if four:
        card.add("kind").value = "individual"
    card.add("org").value = [contact.partner.name]
    if contact.position:
        card.add("title").value = contact.position
    if contact.decision_role:
        card.add("role").value = str(DecisionRole(contact.decision_role).label)
    if contact.birthday:
        card.add("bday").value = (
            contact.birthday.strftime("%Y%m%d") if four else contact.birthday.isoformat()
        )
    if contact.comment:
        card.add("note").value = contact.comment
    for info in contact.contact_info.all():
        _info_add(card, info, four)
    if contact.updated_at:
        stamp = contact.updated_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        card.add("rev").value = stamp
    return card


def _info_add(card, info: ContactInfo, four: bool) -> None:
    if info.kind == ContactInfoKind.PHONE:
        line = card.add("tel")
        types = _type_words(info.label, ["work", "voice"])
        if four:
            line.value = f"tel:{info.key or info.value}"
            line.params["VALUE"] = ["uri"]
            line.params["TYPE"] = types
            if info.is_primary:
                line.params["PREF"] = ["1"]
        else:
            line.value = info.value
            line.params["TYPE"] = types + (["pref"] if info.is_primary else [])
    elif info.kind == ContactInfoKind.EMAIL:
        line = card.add("email")
        line.value = info.value
        line.params["TYPE"] = ["work"] if four else ["internet", "work"]
    elif info.kind in ADDRESS_KINDS:
        line = card.add("adr")
        line.value = vobject.vcard.Address(street=info.value)
        kind = ADR_TYPES[info.kind]
        line.params["TYPE"] = [kind]
    elif info.kind == ContactInfoKind.WEBSITE:
        card.add("url").value = info.value if "://" in info.value else f"https://{info.value}"
    elif info.kind == ContactInfoKind.MESSENGER and ":" in info.value:
        card.add("impp").value = info.value


def fold(text: str, limit: int = 75) -> str:
    """Fold every content line at `limit` octets of UTF-8, never inside a character
    (RFC 6350 3.2, RFC 2426 2.6). vobject folds by characters, so a Cyrillic line of 60
    characters — 110 octets — would come out unfolded."""
    logical: list[str] = []
    for line in text.split("\r\n"):
        if line[:1] in (" ", "\t") and logical:
            logical[-1] += line[1:]
        elif line:
            logical.append(line)
    folded = []
    for line in logical:
        chunk, size, room = "", 0, limit
        for char in line:
            width = len(char.encode("utf-8"))
            if size + width > room:
                folded.append(chunk)
                chunk, size, room = " ", 1, limit
            chunk += char
            size += width
        folded.append(chunk)
    return "".join(f"{line}\r\n" for line in folded)


def vcards_serialize(contacts: Iterable[ContactPerson], *, version: str = "3.0") -> str:
    """The cards of `contacts` as the text of one .vcf file (CRLF line ends, folded)."""
    return "".join(fold(vcard_of(contact, version=version).serialize()) for contact in contacts)


def vcard_disposition(contacts: list[ContactPerson]) -> str:
    """The Content-Disposition of a download (RFC 6266: a UTF-8 name and an ASCII one)."""
    return content_disposition_header(True, vcard_filename(contacts))


def vcard_filename(contacts: list[ContactPerson]) -> str:
    if len(contacts) == 1:
        name = contacts[0].full_name or f"contact-{contacts[0].pk}"
    else:
        name = "contacts"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")
    return f"{safe or 'contact'}.vcf"


# ---- import ----


@dataclass
class CardResult:
    number: int
    name: str
    action: str  # create, duplicate, error
    messages: list[str] = field(default_factory=list)
    contact_id: int | None = None
    data: dict | None = None

    def as_dict(self) -> dict:
        return {
            "card": self.number,
            "name": self.name,
            "action": self.action,
            "messages": self.messages,
            "contact_id": self.contact_id,
        }


@dataclass
class VcardReport:
    dry_run: bool
    cards: list[CardResult] = field(default_factory=list)
    refused: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "duplicate": 0, "error": 0}
        for card in self.cards:
            counts[card.action] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "refused": self.refused,
            "counts": self.counts,
            "cards": [c.as_dict() for c in self.cards],
        }


def _not_a_vcard(detail: str = "") -> ImportFileError:
    message = _("The file is not a vCard (.vcf): %(detail)s") % {
        "detail": detail or _("it has no BEGIN:VCARD … END:VCARD card")
    }
    return ImportFileError([Violation("vcard_invalid", message, "file")])


def vcard_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_vcard(_("it is not UTF-8 text")) from None
    if "\x00" in text:
        raise _not_a_vcard(_("it is a binary file"))
    return text


def vcards_parse(text: str) -> list:
    """The vCard components of a file's text; ImportFileError when it is not a vCard."""
    if "BEGIN:VCARD" not in text.upper():
        raise _not_a_vcard()
    try:
        components = []
        for component in vobject.readComponents(text, ignoreUnreadable=False):
            if component.name != "VCARD":
                raise _not_a_vcard(
                    _("it holds a %(name)s, not a contact card") % {"name": component.name}
                )
            components.append(component)
            if len(components) > MAX_CARDS:
                raise _not_a_vcard(_("more than %(max)d cards") % {"max": MAX_CARDS})
    except ImportFileError:
        raise
    except Exception as error:  # vobject raises ParseError and others on broken text
        line = getattr(error, "lineNumber", None)
        raise _not_a_vcard(
            _("line %(line)s cannot be read") % {"line": line}
            if line
            else _("it cannot be read as a vCard")
        ) from None
    if not components:
        raise _not_a_vcard()
    return components


def _values(card, name: str) -> list:
    return [line for line in card.contents.get(name, [])]


def _text(value) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return " ".join(str(value or "").split())


def _birthday(card) -> datetime.date | None:
    for line in _values(card, "bday"):
        raw = _text(line.value).split("T")[0]
        for pattern in ("%Y-%m-%d", "%Y%m%d"):
            try:
                return datetime.datetime.strptime(raw, pattern).date()
            except ValueError:
                continue
    return None


def _decision_role(card) -> str:
    """ROLE as a decision role: its code, or its name in English or Russian (as the export
    writes it); a role of another name is "other"."""
    lines = _values(card, "role")
    text = _text(lines[0].value).casefold() if lines else ""
    if not text:
        return DecisionRole.UNKNOWN
    for role in DecisionRole:
        names = {role.value}
        for language in ("en", "ru"):
            with translation.override(language):
                names.add(str(role.label).casefold())
        if text in names:
            return role.value
    return DecisionRole.OTHER


def card_data(card) -> tuple[dict, list[dict], list[str]]:
    """A card's contact-person fields, its contact information and its problems."""
    problems: list[str] = []
    last = first = middle = ""
    names = _values(card, "n")
    if names and isinstance(names[0].value, vobject.vcard.Name):
        value = names[0].value
        last, first, middle = _text(value.family), _text(value.given), _text(value.additional)
    if not (last or first):
        full = _text(_values(card, "fn")[0].value) if _values(card, "fn") else ""
        parts = full.split()
        if parts:
            first, last = (parts[0], " ".join(parts[1:])) if len(parts) > 1 else ("", parts[0])
    if not (last or first):
        problems.append(_("the card has no name (N or FN)"))
    fields = {
        "last_name": last[:100],
        "first_name": first[:100],
        "middle_name": middle[:100],
        "position": _text(_values(card, "title")[0].value)[:150] if _values(card, "title") else "",
        "birthday": _birthday(card),
        "decision_role": _decision_role(card),
        "comment": "\n".join(str(n.value) for n in _values(card, "note")),
    }
    info: list[dict] = []
    wanted = [
        ("tel", ContactInfoKind.PHONE),
        ("email", ContactInfoKind.EMAIL),
        ("adr", ContactInfoKind.ACTUAL_ADDRESS),
        ("url", ContactInfoKind.WEBSITE),
    ]
    for name, kind in wanted:
        for line in _values(card, name):
            value = line.value
            if name == "adr":
                value = ", ".join(
                    p
                    for p in (
                        _text(getattr(value, a, ""))
                        for a in ("street", "city", "region", "code", "country")
                    )
                    if p
                )
            value = _text(value)
            if name == "tel" and value.lower().startswith("tel:"):
                value = value[4:]
            if not value:
                continue
            try:
                value, _key = services.contact_info_normalise(kind, value)
            except DomainError as error:
                problems.append(error.detail)
                continue
            types = ",".join(line.params.get("TYPE", [])).casefold()
            label = "mobile" if "cell" in types else ""
            info.append({"kind": kind, "value": value, "label": label})
    return fields, info, problems


def _duplicate_reasons(partner: Partner, fields: dict, info: list[dict], seen: dict) -> list[str]:
    reasons = []
    full = " ".join(p for p in (fields["last_name"], fields["first_name"]) if p).casefold()
    for item in info:
        if item["kind"] not in (ContactInfoKind.PHONE, ContactInfoKind.EMAIL):
            continue
        _value, key = services.contact_info_normalise(item["kind"], item["value"])
        if (item["kind"], key) in seen:
            reasons.append(
                _("the same %(value)s as card %(card)d")
                % {"value": item["value"], "card": seen[(item["kind"], key)]}
            )
            continue
        owner = (
            ContactInfo.objects.filter(
                kind=item["kind"], key=key, contact__isnull=False, contact__status="active"
            )
            .select_related("contact", "partner")
            .first()
        )
        if owner is not None:
            reasons.append(
                _("%(value)s belongs to %(name)s (%(partner)s)")
                % {
                    "value": item["value"],
                    "name": owner.contact.full_name,
                    "partner": owner.partner.name,
                }
            )
    if ("name", full) in seen:
        reasons.append(_("the same name as card %(card)d") % {"card": seen[("name", full)]})
    else:
        for other in partner.contacts.filter(status="active").only(
            "last_name", "first_name", "middle_name"
        ):
            other_full = " ".join(p for p in (other.last_name, other.first_name) if p)
            if other_full.casefold() == full:
                reasons.append(
                    _("%(partner)s already has a contact person %(name)s")
                    % {"partner": partner.name, "name": other.full_name}
                )
                break
    return reasons


def vcards_import(
    *,
    partner: Partner,
    data: bytes,
    by,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> VcardReport:
    """Import the cards of a .vcf file as contact persons of `partner` (see module doc).

    Raises ImportFileError (422) for a file that is not a vCard; with card errors and no
    `skip_invalid` the report comes back `refused` and nothing is written.
    """
    components = vcards_parse(vcard_text(data))
    report = VcardReport(dry_run=dry_run)
    seen: dict[tuple[str, str], int] = {}
    for number, card in enumerate(components, start=1):
        fields, info, problems = card_data(card)
        name = " ".join(p for p in (fields["last_name"], fields["first_name"]) if p)
        if problems:
            report.cards.append(CardResult(number, name, "error", problems))
            continue
        reasons = _duplicate_reasons(partner, fields, info, seen)
        if reasons:
            report.cards.append(CardResult(number, name, "duplicate", reasons))
            continue
        for item in info:
            if item["kind"] in (ContactInfoKind.PHONE, ContactInfoKind.EMAIL):
                _value, key = services.contact_info_normalise(item["kind"], item["value"])
                seen.setdefault((item["kind"], key), number)
        seen.setdefault(("name", name.casefold()), number)
        report.cards.append(
            CardResult(number, name, "create", data={"fields": fields, "info": info})
        )
    if report.counts["error"] and not skip_invalid:
        report.refused = True
        return report
    if dry_run:
        return report
    _cards_write(partner, report, by)
    return report


@transaction.atomic
def _cards_write(partner: Partner, report: VcardReport, by) -> None:
    for card in report.cards:
        if card.action != "create":
            continue
        contact = services.contact_create(partner=partner, by=by, **card.data["fields"])
        if card.data["info"]:
            services.contact_info_set(owner=contact, items=card.data["info"], by=by)
        card.contact_id = contact.pk


def report_error(report: VcardReport) -> ValidationFailed:
    """The refused report as a rule error naming every broken card (the API's 422)."""
    return ValidationFailed(
        [
            Violation(
                "vcard_card_invalid",
                _("Card %(card)d: %(problems)s")
                % {"card": card.number, "problems": "; ".join(card.messages)},
                f"cards.{card.number}",
            )
            for card in report.cards
            if card.action == "error"
        ]
    )
