"""Sortable column headers of a list page (see ladoga.web.listing).

{% load listing %}
<th>{% sort_header listing "name" _("Name") %}</th>
"""

from django import template

register = template.Library()


@register.inclusion_tag("web/sort_header.html")
def sort_header(listing, key: str, label):
    return {"href": listing.sort_href(key), "state": listing.sort_state(key), "label": label}
