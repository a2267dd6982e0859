"""Links to partners and contact persons wherever a record names one (a deal's client, an
interaction's contact…): `{% partner_link deal.partner %}`, `{% contact_link person %}`.

The name is a link to the card when there is a record, "—" when there is none. Whether the
viewer may open the card is the card's to answer (404); the link costs no query when the
record was read with select_related."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

EMPTY = "—"


def _link(record, url_name: str, testid: str):
    if record is None or record == "" or getattr(record, "pk", None) is None:
        return EMPTY
    return format_html(
        '<a href="{}" data-testid="{}">{}</a>', reverse(url_name, args=[record.pk]), testid, record
    )


@register.simple_tag
def partner_link(partner):
    return _link(partner, "partners:detail", "partner-link")


@register.simple_tag
def contact_link(person):
    return _link(person, "partners:contact", "contact-link")
