"""What later domains add to the partner card: tabs (deals, orders, claims…) and buttons
("New deal", "New order"…).

A lower domain cannot import a higher one, so the card does not know what they show. Each
higher domain registers, from its AppConfig.ready() (its own `partner_card` module):

- a tab: the name of a URL that takes the partner's id and answers an HTML fragment (the
  card loads it with htmx when the tab is opened), and `count(partner, user)` — how many
  of the partner's records the user may see, one COUNT query through accounts.access —
  shown in the tab's title;
- an action: the name of a create URL that reads `?partner=<id>`, and the permission it
  needs.

A tab or action whose URL is not installed is left out, so registering ahead of the domain
is harmless.

    partner_card_tab_register(
        key="deals", title=_("Deals"), url_name="deals:partner_deals",
        count=lambda partner, user: deals_visible_to(user=user).filter(partner=partner).count(),
    )
    partner_card_action_register(
        key="deal", title=_("New deal"), url_name="deals:create", permission="deals.add_deal"
    )
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from ladoga.accounts.access import visible

from .models import Partner


@dataclass(frozen=True)
class CardTab:
    key: str
    title: str
    url_name: str
    order: int = 100
    count: Callable | None = None


@dataclass(frozen=True)
class ShownTab:
    """A registered tab as one partner's card shows it to one user."""

    key: str
    title: str
    url: str
    count: int | None


@dataclass(frozen=True)
class CardAction:
    key: str
    title: str
    url_name: str
    permission: str
    order: int = 100
    args: tuple = ()


_tabs: dict[str, CardTab] = {}
_actions: dict[str, CardAction] = {}


def partner_card_tab_register(
    *, key: str, title, url_name: str, order: int = 100, count: Callable | None = None
) -> None:
    """Add a tab to the partner card. `count(partner, user)` answers how many of the
    partner's records `user` may see (one COUNT query); without it the title has no
    figure."""
    _tabs[key] = CardTab(key=key, title=title, url_name=url_name, order=order, count=count)


def partner_card_action_register(
    *,
    key: str,
    title,
    url_name: str,
    permission: str,
    order: int = 100,
    args: tuple = (),
) -> None:
    """Add a "new record" button to the partner card: `url_name` (with `args`) opened with
    `?partner=<id>`, shown to users with `permission`."""
    _actions[key] = CardAction(
        key=key, title=title, url_name=url_name, permission=permission, order=order, args=args
    )


def partner_card_tabs(partner, user=None) -> list[ShownTab]:
    """The registered tabs whose fragment URL exists, in order, with that URL and (given
    the user) the count of the partner's records the user may see: one query a tab."""
    shown = []
    for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.key)):
        try:
            url = reverse(tab.url_name, args=[partner.pk])
        except NoReverseMatch:
            continue
        count = tab.count(partner, user) if tab.count is not None and user is not None else None
        shown.append(ShownTab(key=tab.key, title=tab.title, url=url, count=count))
    return shown


def partner_card_actions(partner, user) -> list[tuple[CardAction, str]]:
    """The "new record" buttons `user` may use, each with its URL for this partner."""
    shown = []
    for action in sorted(_actions.values(), key=lambda a: (a.order, a.key)):
        if not user.has_perm(action.permission):
            continue
        try:
            url = reverse(action.url_name, args=action.args)
        except NoReverseMatch:
            continue
        shown.append((action, f"{url}?{urlencode({'partner': partner.pk})}"))
    return shown


def partner_of_request(request, partners=None):
    """The partner a "new record" page was opened for (`?partner=<id>`, from the card's
    buttons): None without one; 404 for an id that is not a number or a partner the user
    may not see (among `partners`, by default the ones accounts.access shows them)."""
    raw = request.GET.get("partner", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    if partners is None:
        partners = visible(Partner, request.user)
    partner = partners.filter(pk=int(raw)).first()
    if partner is None:
        raise Http404
    return partner


def partner_listed(request):
    """The partner a list is narrowed to by `?partner=<id>` (the card's "whole list" links),
    as (id, partner): the id to filter the already visible records by, and the partner to
    name above the list when the user may see it (None otherwise). (None, None) without
    one."""
    raw = request.GET.get("partner", "").strip()
    if not raw.isdigit():
        return None, None
    return int(raw), visible(Partner, request.user).filter(pk=int(raw)).only("id", "name").first()
