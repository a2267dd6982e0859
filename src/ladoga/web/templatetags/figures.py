"""Template filters for figures in the user's language (see `ladoga.core.formats`).

    {% load figures %}
    {{ order.total|money:order.currency }}   1 234,50 ₽  ·  RUB 1,234.50
    {{ row.revenue|amount }}                 1 234,50    (the column names the currency)
    {{ line.quantity|quantity }}             3,5
    {{ deal.probability|number:0 }}          40
    {{ share|percent }}                      12,5 %

Each filter gives "" for no value, so `|default:"—"` can follow it.
"""

from django import template

from ladoga.core import formats

register = template.Library()


@register.filter
def money(value, currency="RUB"):
    return formats.money_format(value, currency or "RUB")


@register.filter
def amount(value):
    return formats.amount_format(value)


@register.filter
def quantity(value):
    return formats.quantity_format(value)


@register.filter
def number(value, places=None):
    return formats.number_format(value, None if places in (None, "") else int(places))


@register.filter
def percent(value, places=1):
    return formats.percent_format(value, int(places))
