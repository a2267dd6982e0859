"""The client portal's own record: which partner a portal user acts for (C4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class PortalAccount(BusinessModel):
    """Binds one portal user to the one partner whose claims it files and follows.

    `accounts.access` asks the portal (through the resolver registered in ready()) which
    partner a portal user acts for; that partner bounds everything the user sees.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="portal_accounts",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} → {self.partner}"
