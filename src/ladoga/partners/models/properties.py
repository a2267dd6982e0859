"""Additional properties (P6): typed fields an administrator defines for partners or
contact persons. Values sit in typed columns so lists can be filtered by them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .contact import ContactPerson
from .partner import Partner


class PropertyAppliesTo(models.TextChoices):
    PARTNER = "partner", _("Partners")
    CONTACT = "contact", _("Contact persons")


class PropertyType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")


class PropertyDefinition(BusinessModel):
    name = models.CharField(_("name"), max_length=150)
    applies_to = models.CharField(_("applies to"), max_length=16, choices=PropertyAppliesTo.choices)
    value_type = models.CharField(_("type"), max_length=16, choices=PropertyType.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("additional property")
        verbose_name_plural = _("additional properties")
        ordering = ["applies_to", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "name"], name="property_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PropertyChoice(models.Model):
    """One allowed value of a "choice" property."""

    definition = models.ForeignKey(
        PropertyDefinition, on_delete=models.CASCADE, related_name="choices"
    )
    label = models.CharField(_("value"), max_length=150)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("property choice")
        verbose_name_plural = _("property choices")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "label"], name="property_choice_unique")
        ]

    def __str__(self) -> str:
        return self.label


class PropertyValue(BusinessModel):
    """The value of one property for one partner or contact person, in the column of its
    type (`value_text`, `value_number`, `value_date`, `value_choice`)."""

    definition = models.ForeignKey(
        PropertyDefinition,
        verbose_name=_("property"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="property_values",
    )
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="property_values",
    )
    value_text = models.CharField(_("text"), max_length=1000, blank=True)
    # The text case-folded, so filters ignore case in any alphabet on SQLite too.
    value_key = models.CharField(max_length=255, blank=True, editable=False)
    value_number = models.DecimalField(
        _("number"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    value_date = models.DateField(_("date"), null=True, blank=True)
    value_choice = models.ForeignKey(
        PropertyChoice,
        verbose_name=_("choice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property value")
        verbose_name_plural = _("property values")
        indexes = [
            models.Index(fields=["definition", "value_text"], name="property_value_text"),
            models.Index(fields=["definition", "value_key"], name="property_value_key"),
            models.Index(fields=["definition", "value_number"], name="property_value_number"),
            models.Index(fields=["definition", "value_date"], name="property_value_date"),
            models.Index(fields=["definition", "value_choice"], name="property_value_choice"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False) & Q(contact__isnull=True))
                | (Q(partner__isnull=True) & Q(contact__isnull=False)),
                name="property_value_one_owner",
            ),
            models.UniqueConstraint(
                fields=["definition", "partner"],
                condition=Q(partner__isnull=False),
                name="property_value_partner_unique",
            ),
            models.UniqueConstraint(
                fields=["definition", "contact"],
                condition=Q(contact__isnull=False),
                name="property_value_contact_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition}: {self.value}"

    @property
    def value(self):
        kind = self.definition.value_type
        if kind == PropertyType.NUMBER:
            return self.value_number
        if kind == PropertyType.DATE:
            return self.value_date
        if kind == PropertyType.CHOICE:
            return self.value_choice.label if self.value_choice_id else None
        return self.value_text
