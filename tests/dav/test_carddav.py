"""CardDAV: the address book lists exactly the contact persons the user may see; read-only."""

import xml.etree.ElementTree as ET

import pytest
import vobject

from ladoga.partners.models import ContactPerson

pytestmark = pytest.mark.django_db(transaction=True)

DAV = "{DAV:}"


def hrefs(response) -> set[str]:
    tree = ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    return {element.text for element in tree.iter(f"{DAV}href")}


def test_the_address_book_lists_exactly_the_visible_contacts(http, contacts):
    client = http("owner")
    listing = client.request("PROPFIND", "/dav/owner/contacts/", headers={"Depth": "1"})
    assert listing.status_code == 207
    cards = {href for href in hrefs(listing) if href.endswith(".vcf")}
    assert cards == {f"/dav/owner/contacts/contact-{c.pk}.vcf" for c in contacts["visible"]}

    anna = contacts["visible"][0]
    card = vobject.readOne(client.get(f"/dav/owner/contacts/contact-{anna.pk}.vcf").text)
    assert card.fn.value == "Петрова Анна"
    assert card.org.value == ["Ромашка"]
    assert card.tel.value == "+7 912 345-67-89"
    hidden = contacts["hidden"][0]
    assert client.get(f"/dav/owner/contacts/contact-{hidden.pk}.vcf").status_code == 404


def test_the_address_book_is_read_only(http, contacts):
    client = http("owner")
    anna = contacts["visible"][0]
    url = f"/dav/owner/contacts/contact-{anna.pk}.vcf"
    text = client.get(url).text
    before = (ContactPerson.objects.count(), anna.version)

    changed = client.put(url, content=text.replace("Анна", "Анастасия"))
    created = client.put(
        "/dav/owner/contacts/new.vcf",
        content=(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-1\r\nFN:New Person\r\n"
            "N:Person;New;;;\r\nEND:VCARD\r\n"
        ),
    )
    deleted = client.delete(url)

    assert (changed.status_code, created.status_code, deleted.status_code) == (403, 403, 403)
    anna.refresh_from_db()
    assert (ContactPerson.objects.count(), anna.version) == before
    assert anna.first_name == "Анна"
