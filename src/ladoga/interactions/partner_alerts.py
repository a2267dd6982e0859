"""In-app alerts about partners: the nightly registry re-check (partners) tells the
responsible manager here when a counterparty is newly liquidating, liquidated or bankrupt."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .services import notification_send


def counterparty_flagged_notify(counterparty) -> None:
    """Notify the partner's responsible manager, in their language (nobody when the partner
    has none or the manager is inactive)."""
    partner = counterparty.partner
    manager = partner.manager
    if manager is None or not manager.is_active:
        return
    with translation.override(manager.language or None):
        title = _("%(counterparty)s (%(partner)s) is %(status)s in the state registry") % {
            "counterparty": counterparty.short_name,
            "partner": partner.name,
            "status": counterparty.get_registry_status_display().lower(),
        }
        text = _(
            "The nightly check against the state registry found it. INN %(inn)s. Check the "
            "open orders and agreements with this counterparty."
        ) % {"inn": counterparty.inn}
    url = reverse("partners:detail", args=[partner.pk]) + "?tab=requisites"
    notification_send(user=manager, title=title, text=text, url=url)
