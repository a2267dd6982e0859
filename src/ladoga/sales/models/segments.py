"""Rule-based segments (S2): a segment whose members are computed from partner data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.partners.models import PartnerGroup, PartnerRole, PropertyDefinition, Segment


class SegmentRule(BusinessModel):
    """Makes `segment` rule-based: its members are the active partners that meet every
    condition given (a role, a group with its sub-groups, a property's value). Recomputed
    on demand and every night; manual segments simply have no rule."""

    segment = models.OneToOneField(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="rule"
    )
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices, blank=True)
    group = models.ForeignKey(
        PartnerGroup,
        verbose_name=_("group (with sub-groups)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    property = models.ForeignKey(
        PropertyDefinition,
        verbose_name=_("property"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    property_value = models.CharField(_("property value"), max_length=1000, blank=True)
    recomputed_at = models.DateTimeField(_("recomputed"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("segment rule")
        verbose_name_plural = _("segment rules")
        ordering = ["segment__name"]

    def __str__(self) -> str:
        return str(self.segment)
