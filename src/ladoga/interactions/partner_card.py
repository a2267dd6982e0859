"""The interactions domain on the partner card (partners.cards): the timeline tab with the
count of the partner's interactions the user may see, and the "new call" and "new meeting"
buttons (the create page reads `?partner=`)."""

from django.utils.translation import gettext_lazy as _

from ladoga.partners.cards import partner_card_action_register, partner_card_tab_register

from . import queries


def install() -> None:
    partner_card_tab_register(
        key="interactions",
        title=_("Interactions"),
        url_name="interactions:partner_timeline",
        order=10,
        count=lambda partner, user: (
            queries.interactions_visible_to(user=user).filter(partner_id=partner.pk).count()
        ),
    )
    for order, kind, title in ((20, "call", _("New call")), (30, "meeting", _("New meeting"))):
        partner_card_action_register(
            key=f"interaction-{kind}",
            title=title,
            url_name="interactions:create",
            args=(kind,),
            permission="interactions.add_interaction",
            order=order,
        )
