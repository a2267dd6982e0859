"""Relations (P7): typed links partner↔partner and contact↔contact, seen from both ends.

A type reads one way from the first end ("subsidiary of") and the other way from the
second ("parent of"); a symmetric type ("competitor of", "knows") reads the same both ways.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .contact import ContactPerson
from .partner import Partner
from .properties import PropertyAppliesTo


class RelationType(BusinessModel):
    name = models.CharField(_("name"), max_length=150)
    inverse_name = models.CharField(_("name from the other end"), max_length=150, blank=True)
    applies_to = models.CharField(_("applies to"), max_length=16, choices=PropertyAppliesTo.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relation type")
        verbose_name_plural = _("relation types")
        ordering = ["applies_to", "name"]
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "name"], name="relation_type_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def name_from(self, *, first_end: bool) -> str:
        return self.name if first_end or not self.inverse_name else self.inverse_name


class PartnerRelation(BusinessModel):
    """`source` is <type.name> `target`; seen from `target`: <type.inverse_name> `source`."""

    type = models.ForeignKey(
        RelationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="relations_out"
    )
    target = models.ForeignKey(
        Partner,
        verbose_name=_("related partner"),
        on_delete=models.CASCADE,
        related_name="relations_in",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner relation")
        verbose_name_plural = _("partner relations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "source", "target"], name="partner_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="partner_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.type} — {self.target}"


class ContactRelation(BusinessModel):
    """`source` is <type.name> `target` between two contact persons ("reports to")."""

    type = models.ForeignKey(
        RelationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.CASCADE,
        related_name="relations_out",
    )
    target = models.ForeignKey(
        ContactPerson,
        verbose_name=_("related contact person"),
        on_delete=models.CASCADE,
        related_name="relations_in",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact relation")
        verbose_name_plural = _("contact relations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "source", "target"], name="contact_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="contact_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.type} — {self.target}"
