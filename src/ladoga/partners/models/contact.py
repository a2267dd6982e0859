"""Contact persons (P3) and typed, multi-valued contact information (P4)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .counterparty import Counterparty
from .partner import Partner, RecordStatus


class DecisionRole(models.TextChoices):
    """A contact person's part in the partner's buying decisions."""

    UNKNOWN = "", _("Not known")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    EVALUATOR = "evaluator", _("Evaluator")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    OTHER = "other", _("Other")


class ContactPerson(BusinessModel):
    """A person we speak to at a partner (P3)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="contacts"
    )
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    decision_role = models.CharField(
        _("role in decisions"), max_length=16, choices=DecisionRole.choices, blank=True
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class ContactInfoKind(models.TextChoices):
    LEGAL_ADDRESS = "legal_address", _("Legal address")
    ACTUAL_ADDRESS = "actual_address", _("Actual address")
    POSTAL_ADDRESS = "postal_address", _("Postal address")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Web site")
    MESSENGER = "messenger", _("Messenger")


ADDRESS_KINDS = frozenset(
    {ContactInfoKind.LEGAL_ADDRESS, ContactInfoKind.ACTUAL_ADDRESS, ContactInfoKind.POSTAL_ADDRESS}
)


class ContactInfo(BusinessModel):
    """One piece of contact information (P4): kind, the value as typed and a normalised
    `key` (E.164 for phones, lower case for e-mails) that duplicates are found by.

    It belongs to a partner, to one of its counterparties, or to one of its contact
    persons. `partner` is always set — to the owner itself or the owner's partner — so
    access, duplicate search and merges follow one foreign key.
    """

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contact_info"
    )
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_info",
    )
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_info",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContactInfoKind.choices)
    value = models.CharField(_("value"), max_length=500)
    key = models.CharField(_("normalised value"), max_length=255, editable=False)
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("e.g. mobile, office, Telegram")
    )
    is_primary = models.BooleanField(_("primary"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact information")
        verbose_name_plural = _("contact information")
        ordering = ["kind", "-is_primary", "id"]
        indexes = [models.Index(fields=["kind", "key"], name="contact_info_kind_key")]
        constraints = [
            models.CheckConstraint(
                condition=Q(counterparty__isnull=True) | Q(contact__isnull=True),
                name="contact_info_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
