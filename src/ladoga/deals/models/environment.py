"""The deal's environment (D7): other parties — a partner or a contact person — with a role
in the deal (competitor, subcontractor, influencer, decision maker). Relations between
them are the partners domain's (P7) and are drawn from there."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .deal import Deal


class PartyRole(models.TextChoices):
    COMPETITOR = "competitor", _("Competitor")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")
    INFLUENCER = "influencer", _("Influencer")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    OTHER = "other", _("Other")


class DealParty(BusinessModel):
    """One party of a deal's environment: exactly one of a partner or a contact person."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="parties"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        "partners.ContactPerson",
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deal party")
        verbose_name_plural = _("deal environment")
        ordering = ["deal", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False) & Q(contact__isnull=True))
                | (Q(partner__isnull=True) & Q(contact__isnull=False)),
                name="deal_party_one_of_partner_or_contact",
            ),
            models.UniqueConstraint(
                fields=["deal", "partner", "role"],
                condition=Q(partner__isnull=False),
                name="deal_party_partner_unique",
            ),
            models.UniqueConstraint(
                fields=["deal", "contact", "role"],
                condition=Q(contact__isnull=False),
                name="deal_party_contact_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.get_role_display()})"

    @property
    def party(self):
        return self.partner if self.partner_id else self.contact
