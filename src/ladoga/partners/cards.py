"""Tabs that later domains add to the partner card (deals, orders, claims…).

A lower domain cannot import a higher one, so the card does not know what they show: a
domain registers a tab with the name of a URL that takes the partner's id and answers an
HTML fragment, and the card loads it with htmx when the tab is opened. A tab whose URL is
not installed is left out, so registering ahead of the domain is harmless.

    partner_card_tab_register(key="deals", title=_("Deals"), url_name="deals:partner_deals")
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CardTab:
    key: str
    title: str
    url_name: str
    order: int = 100


_tabs: dict[str, CardTab] = {}


def partner_card_tab_register(*, key: str, title, url_name: str, order: int = 100) -> None:
    _tabs[key] = CardTab(key=key, title=title, url_name=url_name, order=order)


def partner_card_tabs(partner_id: int) -> list[tuple[CardTab, str]]:
    """The registered tabs whose fragment URL exists, with that URL, in order."""
    found = []
    for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.key)):
        try:
            found.append((tab, reverse(tab.url_name, args=[partner_id])))
        except NoReverseMatch:
            continue
    return found


# The interactions domain answers its partner timeline at this name (I-issue); shown as
# soon as that domain is installed.
partner_card_tab_register(
    key="interactions",
    title=_("Interactions"),
    url_name="interactions:partner_timeline",
    order=10,
)
