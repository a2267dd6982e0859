"""The sales domain on the partner card (partners.cards): tabs for orders, agreements and
contracts, proposals, invoices and payments, each counting the partner's records the user
may see (one COUNT query a kind), and the "new order" button (`sales:order_create` reads
`?partner=`)."""

from django.utils.translation import gettext_lazy as _

from ladoga.partners.cards import partner_card_action_register, partner_card_tab_register

from . import queries
from .services._common import DOCUMENTS


def _count(reader):
    return lambda partner, user: reader(user=user).filter(partner=partner).count()


def _sum_of(*readers):
    return lambda partner, user: sum(_count(reader)(partner, user) for reader in readers)


def install() -> None:
    tabs = (
        ("orders", _("Orders"), 30, _count(queries.orders_visible_to)),
        (
            "agreements",
            _("Agreements and contracts"),
            40,
            _sum_of(queries.agreements_visible_to, queries.contracts_visible_to),
        ),
        ("proposals", _("Proposals"), 50, _count(queries.proposals_visible_to)),
        (
            "invoices",
            _("Invoices and payments"),
            60,
            _sum_of(queries.invoices_visible_to, queries.payments_visible_to),
        ),
    )
    for key, title, order, count in tabs:
        partner_card_tab_register(
            key=key, title=title, url_name=f"sales:partner_{key}", order=order, count=count
        )
    partner_card_action_register(
        key="order",
        title=_("New order"),
        url_name="sales:order_create",
        permission=DOCUMENTS,
        order=40,
    )
