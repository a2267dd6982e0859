"""The link from sales documents to deals (`deal_id`), checked through a registry.

Deals sit above sales in the layering, so sales cannot import them: proposals, orders and
supplier orders store a plain `deal_id`. The deals domain registers a resolver in its
`AppConfig.ready()` that answers whether a deal id exists and the user may see it
(`by=None`, the system itself: whether it exists). The sales commands ask it before they
write; with no resolver registered no deal id is accepted (the check fails closed).
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from ladoga.core.errors import Violation

# (deal id, acting user or None) -> the deal exists and the user may see it
DealResolver = Callable[[int, object], bool]

_resolvers: list[DealResolver] = []


def deal_resolver_register(resolver: DealResolver) -> None:
    """Called by the deals domain at start-up."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def deal_known(deal_id: int, *, by) -> bool:
    return any(resolver(deal_id, by) for resolver in _resolvers)


def deal_id_check(deal_id: int | None, *, by, field: str = "deal_id") -> list[Violation]:
    """No violation for no deal; one naming `field` for a deal that does not exist or
    that `by` cannot see (the two are not told apart, as everywhere: 404, never 403)."""
    if deal_id is None or deal_known(deal_id, by=by):
        return []
    return [Violation("not_found", _("No deal with id %(id)s.") % {"id": deal_id}, field)]
