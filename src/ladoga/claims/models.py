"""Claims (C1): the claim, its reason catalogue, its status history and its comments.

A claim moves registered → under investigation → resolved → closed, one step at a time,
through `services.claim_transition`; every step is a `ClaimTransition` row (who, when,
from, to). The resolution (satisfied / partly satisfied / rejected) is set when a claim is
resolved. `resolved_on` is the day it was resolved, kept on the claim so the reports
(C5) group by month without reading the history.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class ClaimStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    INVESTIGATING = "investigating", _("Under investigation")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class ClaimResolution(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    REJECTED = "rejected", _("Rejected")


class ClaimSource(models.TextChoices):
    """Where a claim came from: registered by staff, filed on the portal, or based on an
    interaction (a call or a letter)."""

    STAFF = "staff", _("Registered by staff")
    PORTAL = "portal", _("Client portal")
    INTERACTION = "interaction", _("Interaction")


class ClaimReason(BusinessModel):
    """A catalogue entry: why clients complain (late delivery, defect, wrong price…)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim reason")
        verbose_name_plural = _("claim reasons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Claim(BusinessModel):
    """A client's (or supplier's, or anyone's) complaint and how it was dealt with (C1)."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    date = models.DateField(_("date"), db_index=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    counterparty = models.ForeignKey(
        "partners.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    order = models.ForeignKey(
        "sales.CustomerOrder",
        verbose_name=_("customer order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    deal = models.ForeignKey(
        "deals.Deal",
        verbose_name=_("deal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    essence = models.TextField(_("essence"))
    reason = models.ForeignKey(
        ClaimReason,
        verbose_name=_("reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    culprit_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("culprit department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_against",
    )
    culprit_employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("culprit employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_against",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_responsible",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClaimStatus.choices,
        default=ClaimStatus.REGISTERED,
        db_index=True,
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=ClaimResolution.choices, blank=True
    )
    result = models.TextField(_("result"), blank=True)
    compensation = models.DecimalField(
        _("compensation"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=ClaimSource.choices, default=ClaimSource.STAFF
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        verbose_name=_("based on interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-date", "-id"]
        indexes = [
            # The reports (C5) count by day of registration or of resolution, department,
            # reason and resolution: these two cover their queries.
            models.Index(fields=["date", "culprit_department", "reason"], name="claim_registered"),
            models.Index(
                fields=["resolved_on", "culprit_department", "reason", "resolution"],
                name="claim_resolved",
            ),
            # The portal's list of one partner's claims, newest first.
            models.Index(fields=["partner", "-date", "-id"], name="claim_partner_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compensation__gte=0), name="claim_compensation_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (ClaimStatus.REGISTERED, ClaimStatus.INVESTIGATING)


class ClaimTransition(models.Model):
    """One status change of a claim: who, when, from what to what (and the resolution)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ClaimStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ClaimStatus.choices)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=ClaimResolution.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("claim status change")
        verbose_name_plural = _("claim status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status or '∅'} → {self.to_status}"


class ClaimComment(models.Model):
    """A comment on a claim. Public comments are shown to the client on the portal; the
    client's own comments are always public. Stored and shown as plain text."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))
    is_public = models.BooleanField(_("visible to the client"), default=False)
    from_client = models.BooleanField(_("from the client"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim comment")
        verbose_name_plural = _("claim comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "is_public"], name="claim_comment_public")]

    def __str__(self) -> str:
        return self.text[:50]
