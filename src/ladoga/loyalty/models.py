"""Card kinds (L1) and loyalty cards (L2)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.partners.models import ContactPerson, Partner


class DiscountType(models.TextChoices):
    FIXED = "fixed", _("Fixed discount")
    ACCUMULATIVE = "accumulative", _("Accumulative discount")


class CheckDigit(models.TextChoices):
    NONE = "none", _("No check digit")
    EAN13 = "ean13", _("EAN-13 (mod 10)")
    LUHN = "luhn", _("Luhn")


class CombineRule(models.TextChoices):
    LARGER = "larger", _("The larger of the card's and the agreement's discount")
    BOTH = "both", _("Both, one after the other")


class KindStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")


def _percent(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, **kwargs)


class CardKind(BusinessModel):
    """A kind of loyalty card: its discount (fixed, or accumulative by purchase totals over
    a rolling period), validity, number format and how its discount meets the agreement's."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    discount_type = models.CharField(
        _("discount type"), max_length=16, choices=DiscountType.choices, default=DiscountType.FIXED
    )
    percent = _percent(_("discount, %"), default=Decimal("0"))
    period_days = models.PositiveIntegerField(
        _("rolling period, days"),
        default=365,
        help_text=_("Purchases of this many days up to today count towards the thresholds."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_personal = models.BooleanField(
        _("personal"), default=False, help_text=_("Issued to a person only.")
    )
    prefix = models.CharField(_("number prefix"), max_length=12, blank=True)
    length = models.PositiveSmallIntegerField(_("number length"), default=13)
    check_digit = models.CharField(
        _("check digit"), max_length=8, choices=CheckDigit.choices, default=CheckDigit.EAN13
    )
    combine_rule = models.CharField(
        _("with the agreement's discount"),
        max_length=8,
        choices=CombineRule.choices,
        default=CombineRule.LARGER,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=KindStatus.choices, default=KindStatus.ACTIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loyalty card kind")
        verbose_name_plural = _("loyalty card kinds")
        ordering = ["name", "id"]
        permissions = [("manage_kinds", _("Can change loyalty card kinds"))]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accumulative(self) -> bool:
        return self.discount_type == DiscountType.ACCUMULATIVE


class CardThreshold(models.Model):
    """From `amount` of purchases over the kind's rolling period the card gives `percent`."""

    kind = models.ForeignKey(CardKind, on_delete=models.CASCADE, related_name="thresholds")
    amount = models.DecimalField(_("purchases from"), max_digits=15, decimal_places=2)
    percent = _percent(_("discount, %"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discount threshold")
        verbose_name_plural = _("discount thresholds")
        ordering = ["kind", "amount"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "amount"], name="card_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.amount}: {self.percent}%"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    REPLACED = "replaced", _("Replaced")


class LoyaltyCard(BusinessModel):
    """A loyalty card issued to a partner or to one of its contact persons.

    `partner` is always the client the card belongs to (a contact person's card belongs to
    the contact's partner), so who sees the card follows the partner's manager. A card is
    blocked or replaced, never deleted; a replaced card points at its successor."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.ForeignKey(
        CardKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="cards"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="loyalty_cards"
    )
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loyalty_cards",
    )
    issued_on = models.DateField(_("issued on"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    percent = _percent(
        _("current discount, %"),
        default=Decimal("0"),
        help_text=_("For accumulative cards: the threshold the purchases have reached."),
    )
    block_reason = models.CharField(_("reason"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loyalty card")
        verbose_name_plural = _("loyalty cards")
        ordering = ["-issued_on", "-id"]
        permissions = [("issue_cards", _("Can issue, block and replace loyalty cards"))]
        indexes = [models.Index(fields=["partner", "status"], name="loyalty_card_partner")]

    def __str__(self) -> str:
        return self.number

    @property
    def holder_name(self) -> str:
        return self.contact.full_name if self.contact_id else self.partner.name
