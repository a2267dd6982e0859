"""The claims domain on the partner card (partners.cards): the claims tab, counting the
partner's claims the user may see, and the "new claim" button (`claims:create` reads
`?partner=`)."""

from django.utils.translation import gettext_lazy as _

from ladoga.partners.cards import partner_card_action_register, partner_card_tab_register

from .queries import claims_visible_to


def install() -> None:
    partner_card_tab_register(
        key="claims",
        title=_("Claims"),
        url_name="claims:partner_claims",
        order=70,
        count=lambda partner, user: claims_visible_to(user=user).filter(partner=partner).count(),
    )
    partner_card_action_register(
        key="claim",
        title=_("New claim"),
        url_name="claims:create",
        permission="claims.add_claim",
        order=50,
    )
