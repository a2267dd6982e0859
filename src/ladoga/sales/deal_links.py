"""The link from sales documents to deals (`deal_id`), checked through a registry.

Deals sit above sales in the layering, so sales cannot import them: proposals, orders and
supplier orders store a plain `deal_id`. The deals domain registers a resolver in its
`AppConfig.ready()` that answers, for a deal id that exists and the user may see
(`by=None`, the system itself: that exists), the id of the deal's partner (its client).
The sales commands ask it before they write: a document of one client never links to
another client's deal. With no resolver registered no deal id is accepted (the check
fails closed).
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from ladoga.core.errors import Violation

# (deal id, acting user or None) -> the deal's partner id, None when the deal does not exist
# or the user may not see it
DealResolver = Callable[[int, object], int | None]

_resolvers: list[DealResolver] = []


def deal_resolver_register(resolver: DealResolver) -> None:
    """Called by the deals domain at start-up."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def deal_partner_id(deal_id: int, *, by) -> int | None:
    """The partner (client) of deal `deal_id`; None when there is no such deal or `by`
    may not see it."""
    for resolver in _resolvers:
        partner_id = resolver(deal_id, by)
        if partner_id is not None:
            return partner_id
    return None


def deal_known(deal_id: int, *, by) -> bool:
    return deal_partner_id(deal_id, by=by) is not None


def deal_id_check(
    deal_id: int | None,
    *,
    by,
    partner_id: int | None = None,
    code: str = "",
    field: str = "deal_id",
) -> list[Violation]:
    """No violation for no deal; one naming `field` for a deal that does not exist or
    that `by` cannot see (the two are not told apart, as everywhere: 404, never 403); and
    one with `code` for a deal of another client than `partner_id`, the document's."""
    if deal_id is None:
        return []
    deal_partner = deal_partner_id(deal_id, by=by)
    if deal_partner is None:
        return [Violation("not_found", _("No deal with id %(id)s.") % {"id": deal_id}, field)]
    if partner_id is not None and deal_partner != partner_id:
        return [
            Violation(
                code,
                _("Deal %(id)s is a deal with another client.") % {"id": deal_id},
                field,
            )
        ]
    return []
