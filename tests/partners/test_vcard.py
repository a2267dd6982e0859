"""vCard export and import of contact persons (P12).

The files are checked with parsers that are not the one that wrote them: vCard 3.0 with
the `vcard` package's RFC 2426 validator, vCard 4.0 with the strict RFC 6350 reading
below (line length in octets, CRLF, folding on character boundaries, the content-line
grammar, BEGIN/VERSION/FN/END).
"""

import datetime
import re
import warnings

import pytest
from django.urls import reverse

from ladoga.partners import services
from ladoga.partners.exchange import vcard
from ladoga.partners.exchange.tabular import ImportFileError
from ladoga.partners.models import ContactInfo, ContactPerson

# ---- an independent, strict reading of RFC 6350 ----

NAME = r"(?:[A-Za-z0-9-]+\.)?(?:[A-Za-z0-9-]+)"
SAFE = r'[^\x00-\x08\x0a-\x1f\x7f";:,]'  # SAFE-CHAR: any but controls, DQUOTE, ";", ":", ","
QSAFE = r'[^\x00-\x08\x0a-\x1f\x7f"]'
PARAM_VALUE = rf'(?:{SAFE}*|"{QSAFE}*")'
PARAM = rf"[A-Za-z0-9-]+={PARAM_VALUE}(?:,{PARAM_VALUE})*"
CONTENT_LINE = re.compile(rf"^({NAME})((?:;{PARAM})*):(.*)$")
TEXT_PROPERTIES = {"FN", "NOTE", "TITLE", "ROLE", "ORG", "N", "ADR"}


def rfc6350_cards(data: bytes) -> list[list[tuple[str, str, str]]]:
    """The cards of a vCard 4.0 file as (name, params, value) lines; AssertionError on any
    departure from RFC 6350 section 3."""
    assert data.endswith(b"\r\n"), "the file ends with CRLF"
    physical = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(physical) and b"\r" not in b"".join(physical), "bare CR/LF"
    logical: list[str] = []
    for raw in physical:
        assert len(raw) <= 75, f"a line is longer than 75 octets: {raw!r}"
        text = raw.decode("utf-8")  # folding never splits a character
        if text[:1] in (" ", "\t"):
            assert logical, "a continuation line opens the file"
            logical[-1] += text[1:]
        else:
            logical.append(text)
    cards, current = [], None
    for line in logical:
        match = CONTENT_LINE.match(line)
        assert match, f"not a content line: {line!r}"
        name, params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            assert value.upper() == "VCARD" and current is None
            current = []
            continue
        assert current is not None, f"{name} outside a card"
        if name == "END":
            assert value.upper() == "VCARD"
            assert current and current[0] == ("VERSION", "", "4.0"), "VERSION:4.0 comes first"
            assert any(n == "FN" for n, _p, _v in current), "FN is required"
            assert sum(n == "N" for n, _p, _v in current) <= 1
            cards.append(current)
            current = None
            continue
        if name in TEXT_PROPERTIES:
            # a backslash only escapes \, ; , or n
            assert "\\" not in re.sub(r"\\[\\;,nN]", "", value), f"bad escape in {line!r}"
        current.append((name, params, value))
    assert current is None, "a card is not closed"
    return cards


def rfc2426_check(data: bytes) -> None:
    """Every card of a vCard 3.0 file through the `vcard` package's RFC 2426 validator.
    RFC 2426 reads octets, so the UTF-8 bytes are handed over one character per octet."""
    from vcard.vcard_validator import VCard

    text = data.decode("utf-8").encode("utf-8").decode("latin-1")
    for chunk in text.split("END:VCARD\r\n")[:-1]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "short folded line": allowed, only noted
            VCard(chunk + "END:VCARD\r\n")


@pytest.fixture
def rich_contact(partner, owner):
    person = services.contact_create(
        partner=partner,
        last_name="Иванова",
        first_name="Анна",
        middle_name="Сергеевна",
        position="Директор по закупкам, г. Москва; филиал «Север»",
        decision_role="decision_maker",
        birthday=datetime.date(1980, 5, 17),
        comment="Звонить после 10:00\nлюбит, когда коротко; без \\ лишнего",
        by=owner,
    )
    services.contact_info_set(
        owner=person,
        items=[
            {
                "kind": "phone",
                "value": "+7 912 345-67-89",
                "label": "мобильный",
                "is_primary": True,
            },
            {"kind": "phone", "value": "8 (495) 123-45-67", "label": "офис"},
            {"kind": "email", "value": "Anna@Romashka.ru"},
            {"kind": "actual_address", "value": "Москва, ул. Ленина, д. 1; офис 5"},
            {"kind": "website", "value": "romashka.ru"},
        ],
        by=owner,
    )
    return person


def _serialize(contacts, version):
    found = vcard.contacts_for_vcard(ContactPerson.objects.filter(pk__in=[c.pk for c in contacts]))
    return vcard.vcards_serialize(list(found), version=version).encode("utf-8")


def test_vcard_4_is_valid_rfc_6350_and_carries_every_field(rich_contact):
    (card,) = rfc6350_cards(_serialize([rich_contact], "4.0"))
    lines = {name: (params, value) for name, params, value in card}

    assert lines["N"][1] == "Иванова;Анна;Сергеевна;;"
    assert lines["FN"][1] == "Иванова Анна Сергеевна"
    assert lines["ORG"][1] == "ООО «Ромашка»"
    assert lines["TITLE"][1] == "Директор по закупкам\\, г. Москва\\; филиал «Север»"
    assert lines["BDAY"][1] == "19800517"
    assert lines["KIND"][1] == "individual"
    assert lines["UID"][1].startswith("urn:uuid:")
    assert re.fullmatch(r"\d{8}T\d{6}Z", lines["REV"][1])
    tels = [(p, v) for n, p, v in card if n == "TEL"]
    assert (";PREF=1;TYPE=cell,voice;VALUE=uri", "tel:+79123456789") in tels
    assert any(v == "tel:+74951234567" for _p, v in tels)
    assert lines["EMAIL"][1] == "Anna@Romashka.ru"
    assert lines["URL"][1] == "https://romashka.ru"


def test_vcard_3_passes_an_rfc_2426_validator(rich_contact, partner, owner):
    other = services.contact_create(partner=partner, first_name="Борис", by=owner)
    data = _serialize([rich_contact, other], "3.0")

    rfc2426_check(data)
    assert data.count(b"BEGIN:VCARD") == 2
    assert b"VERSION:3.0" in data and b"EMAIL;TYPE=internet,work:Anna@Romashka.ru" in data


def test_the_rfc_6350_reading_catches_broken_files():
    good = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n"
    rfc6350_cards(good)
    for broken in (
        good.replace(b"\r\n", b"\n"),
        good.replace(b"VERSION:4.0\r\nFN:A", b"FN:A\r\nVERSION:4.0"),
        good.replace(b"FN:A\r\n", b""),
        good.replace(b"FN:A", b"FN:" + b"x" * 80),
        good.replace(b"FN:A", b"FN:a\\qb"),
        good.replace(b"END:VCARD\r\n", b""),
    ):
        with pytest.raises(AssertionError):
            rfc6350_cards(broken)


def test_export_and_import_give_back_the_same_person(rich_contact, partner_of, owner):
    data = _serialize([rich_contact], "4.0")
    target = partner_of("owner", name="ООО «Другая»")
    ContactInfo.objects.filter(contact=rich_contact).delete()  # not a duplicate any more
    rich_contact.last_name = "Старая"
    rich_contact.save()

    report = vcard.vcards_import(partner=target, data=data, by=owner)

    assert report.counts == {"create": 1, "duplicate": 0, "error": 0}
    person = ContactPerson.objects.get(partner=target)
    assert (person.last_name, person.first_name, person.middle_name) == (
        "Иванова",
        "Анна",
        "Сергеевна",
    )
    assert person.position == "Директор по закупкам, г. Москва; филиал «Север»"
    assert person.birthday == datetime.date(1980, 5, 17)
    assert person.comment == rich_contact.comment
    keys = set(person.contact_info.values_list("kind", "key"))
    assert ("phone", "+79123456789") in keys and ("email", "anna@romashka.ru") in keys
    assert ("website", "romashka.ru") in keys


V3_FILE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Петров;Пётр;;;\r\nFN:Пётр Петров\r\n"
    "TEL;TYPE=CELL:+7 903 111-22-33\r\nEMAIL:petrov@example.com\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Мария Смирнова\r\nTEL:8 903 444-55-66\r\nEND:VCARD\r\n"
)


def test_import_of_several_cards_with_the_duplicate_check_per_card(partner, contact, owner):
    services.contact_info_add(owner=contact, kind="email", value="petrov@example.com")
    data = (V3_FILE + V3_FILE.split("END:VCARD\r\n")[1] + "END:VCARD\r\n").encode()

    report = vcard.vcards_import(partner=partner, data=data, by=owner)

    assert [c.action for c in report.cards] == ["duplicate", "create", "duplicate"]
    assert "petrov@example.com belongs to Иванова Анна" in report.cards[0].messages[0]
    assert "card 2" in report.cards[2].messages[0]
    created = ContactPerson.objects.get(last_name="Смирнова")
    assert created.first_name == "Мария"
    assert created.contact_info.get().key == "+79034445566"


def test_a_file_that_is_not_a_vcard_is_refused_and_nothing_is_written(partner, owner, snapshot):
    for data in (
        b"name;phone\r\nfoo;bar\r\n",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        "Привет".encode("cp1251"),
    ):
        with pytest.raises(ImportFileError) as error:
            vcard.vcards_import(partner=partner, data=data, by=owner)
        assert error.value.codes == ["vcard_invalid"]
        assert "The file is not a vCard (.vcf)" in error.value.detail
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    with pytest.raises(ImportFileError):
        vcard.vcards_import(partner=partner, data=calendar, by=owner)
    broken = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nthis line has no colon\r\nEND:VCARD\r\n"
    with pytest.raises(ImportFileError):
        vcard.vcards_import(partner=partner, data=broken, by=owner)
    assert snapshot()


def test_a_broken_card_refuses_the_file_unless_the_user_skips_it(partner, owner, snapshot):
    data = (
        V3_FILE
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Без Телефона\r\nTEL:not a phone\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Only an org\r\nEND:VCARD\r\n"
    ).encode()

    report = vcard.vcards_import(partner=partner, data=data, by=owner)
    assert report.refused
    assert [c.action for c in report.cards] == ["create", "create", "error", "error"]
    assert "not a phone is not a phone number" in report.cards[2].messages[0]
    assert "no name" in report.cards[3].messages[0]
    assert snapshot()

    report = vcard.vcards_import(partner=partner, data=data, by=owner, skip_invalid=True)
    assert not report.refused
    assert ContactPerson.objects.filter(partner=partner).count() == 2


def test_dry_run_writes_nothing(partner, owner, snapshot):
    report = vcard.vcards_import(partner=partner, data=V3_FILE.encode(), by=owner, dry_run=True)
    assert report.counts["create"] == 2
    assert snapshot()


# ---- the API and the pages ----


def test_api_exports_one_card(api_as, rich_contact):
    response = api_as("owner").get(f"/api/v1/contacts/{rich_contact.pk}/vcard?version=4.0")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rfc6350_cards(response.content)


def test_api_exports_a_partners_contacts(api_as, rich_contact, partner, owner):
    services.contact_create(partner=partner, first_name="Борис", by=owner)
    response = api_as("owner").get(f"/api/v1/contacts/vcard?partner={partner.pk}")
    assert response.status_code == 200
    rfc2426_check(response.content)
    assert response.content.count(b"BEGIN:VCARD") == 2


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("head", 200), ("colleague", 404), ("outsider", 404), (None, 401)],
)
def test_api_vcard_permissions(api_as, contact, actor, status):
    assert api_as(actor).get(f"/api/v1/contacts/{contact.pk}/vcard").status_code == status


def test_api_refuses_an_unknown_version(api_as, contact):
    response = api_as("owner").get(f"/api/v1/contacts/{contact.pk}/vcard?version=2.1")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "vcard_version_unknown"


def _upload(api, partner_id, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.client.post(
        "/api/v1/contacts/import-vcard",
        {"partner_id": partner_id, "file": SimpleUploadedFile("c.vcf", data), **fields},
        headers=api.headers,
    )


def test_api_imports_a_vcf(api_as, partner):
    response = _upload(api_as("owner"), partner.pk, V3_FILE.encode())
    assert response.status_code == 200
    assert response.json()["counts"] == {"create": 2, "duplicate": 0, "error": 0}
    assert ContactPerson.objects.filter(partner=partner).count() == 2


def test_api_refuses_a_file_that_is_not_a_vcard(api_as, partner, snapshot):
    response = _upload(api_as("owner"), partner.pk, b"hello, world")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "vcard_invalid"
    assert "not a vCard" in response.json()["errors"][0]["message"]
    assert snapshot()


def test_api_refuses_broken_cards_naming_them(api_as, partner, snapshot):
    data = V3_FILE + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nTEL:abc\r\nEND:VCARD\r\n"
    response = _upload(api_as("owner"), partner.pk, data.encode())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cards.3"
    assert snapshot()


@pytest.mark.parametrize(
    "actor, status",
    [("owner", 200), ("head", 200), ("outsider", 404), ("claims", 403), (None, 401)],
)
def test_api_import_permissions(api_as, partner, actor, status):
    response = _upload(api_as(actor), partner.pk, V3_FILE.encode(), dry_run="true")
    assert response.status_code == status


def test_page_downloads_and_imports(browser_as, rich_contact, partner):
    client = browser_as("owner")
    one = client.get(reverse("partners:contact_vcard", args=[rich_contact.pk]) + "?version=4.0")
    rfc6350_cards(one.content)
    every = client.get(reverse("partners:partner_vcards", args=[partner.pk]))
    rfc2426_check(every.content)

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("partners:vcard_import", args=[partner.pk]),
        {"file": SimpleUploadedFile("x.vcf", b"not a card")},
    )
    assert response.status_code == 400
    assert "The file is not a vCard" in response.content.decode()
    response = client.post(
        reverse("partners:vcard_import", args=[partner.pk]),
        {"file": SimpleUploadedFile("x.vcf", V3_FILE.encode())},
    )
    assert response.status_code == 200
    assert "Смирнова" in response.content.decode()
    assert ContactPerson.objects.filter(partner=partner).count() == 3


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_decision_role_survives_a_round_trip(rich_contact, partner_of, owner, language):
    from django.utils import translation

    with translation.override(language):
        data = _serialize([rich_contact], "4.0")
    target = partner_of("owner", name="ООО «Другая»")
    ContactInfo.objects.filter(contact=rich_contact).delete()

    vcard.vcards_import(partner=target, data=data, by=owner)

    assert ContactPerson.objects.get(partner=target).decision_role == "decision_maker"


def test_an_unknown_role_is_other_and_no_role_is_unknown(partner, owner):
    data = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Петров;Пётр;;;\r\nFN:Пётр Петров\r\n"
        "ROLE:Главный по кофе\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Смирнова;Мария;;;\r\nFN:Мария Смирнова\r\nEND:VCARD\r\n"
    )
    vcard.vcards_import(partner=partner, data=data.encode(), by=owner)
    roles = dict(ContactPerson.objects.values_list("last_name", "decision_role"))
    assert roles == {"Петров": "other", "Смирнова": ""}
