"""The deals domain on the partner card (partners.cards): the deals tab, counting the
partner's deals the user may see, and the "new deal" button (`deals:create` reads
`?partner=`)."""

from django.utils.translation import gettext_lazy as _

from ladoga.partners.cards import partner_card_action_register, partner_card_tab_register

from .queries import deals_visible_to


def install() -> None:
    partner_card_tab_register(
        key="deals",
        title=_("Deals"),
        url_name="deals:partner_deals",
        order=20,
        count=lambda partner, user: deals_visible_to(user=user).filter(partner=partner).count(),
    )
    partner_card_action_register(
        key="deal",
        title=_("New deal"),
        url_name="deals:create",
        permission="deals.add_deal",
        order=10,
    )
