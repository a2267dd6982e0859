"""Rule-based segments (S2): a segment whose members are computed from partner data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.partners.models import PartnerGroup, PartnerRole, PropertyDefinition, Segment


class AbcClass(models.TextChoices):
    """A partner's class by its revenue over the last twelve months (`rules.abc_classes`)."""

    A = "A", _("A: the first 80 %, by revenue")
    B = "B", _("B: the next 15 %, by revenue")
    C = "C", _("C: the rest, and no revenue")


class SegmentRule(BusinessModel):
    """Makes `segment` rule-based: its members are the active partners that meet every
    condition given (a role, a group with its sub-groups, a property's value, a region
    named in one of their addresses, an ABC class by revenue). Recomputed on demand and
    every night; manual segments simply have no rule."""

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
    region = models.CharField(
        _("region"),
        max_length=200,
        blank=True,
        help_text=_(
            "Partners with this text (any case) in a counterparty's legal address or in an "
            "address of their contact information, e.g. Moscow."
        ),
    )
    abc_class = models.CharField(
        _("ABC class"),
        max_length=1,
        choices=AbcClass.choices,
        blank=True,
        help_text=_("By revenue (shipments) over the last twelve months."),
    )
    recomputed_at = models.DateTimeField(_("recomputed"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("segment rule")
        verbose_name_plural = _("segment rules")
        ordering = ["segment__name"]

    def __str__(self) -> str:
        return str(self.segment)
