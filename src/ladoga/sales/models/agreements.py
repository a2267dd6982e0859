"""Agreements (S3, S4) and contracts (S5): the conditions a partner buys on."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.partners.models import Counterparty, Partner, Segment

from ._fields import percent
from .catalogue import PriceType


class TaxRegime(models.TextChoices):
    VAT_INCLUDED = "vat_included", _("VAT included in the price")
    VAT_ON_TOP = "vat_on_top", _("VAT on top of the price")
    NOT_SUBJECT = "not_subject", _("Not subject to VAT")


class PaymentBasis(models.TextChoices):
    """What a payment stage's days count from."""

    PREPAYMENT = "prepayment", _("Prepayment: days after the order")
    CREDIT = "credit", _("Credit: days after shipment")


class AgreementKind(models.TextChoices):
    TYPICAL = "typical", _("Typical")
    INDIVIDUAL = "individual", _("Individual")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Agreement(BusinessModel):
    """Conditions of sale (Соглашение). A typical agreement applies to the partners of its
    segments (to every partner when it names none); an individual one, made from a typical
    one, to one partner. Only an active agreement valid on the order's date can back a
    posted order, and only a user with `sales.approve_agreement` makes one active."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    name = models.CharField(_("name"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    typical = models.ForeignKey(
        "self",
        verbose_name=_("typical agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="individual_agreements",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    price_type = models.ForeignKey(
        PriceType, verbose_name=_("price type"), on_delete=models.PROTECT, related_name="+"
    )
    delivery_days = models.PositiveIntegerField(_("delivery term, days"), default=0)
    tax_regime = models.CharField(
        _("tax regime"), max_length=16, choices=TaxRegime.choices, default=TaxRegime.VAT_INCLUDED
    )
    discount_percent = percent(
        _("discount (−markup), %"),
        default=Decimal("0"),
        help_text=_("Positive for a discount from the price type, negative for a markup."),
    )
    max_manual_discount = percent(_("largest manual discount, %"), default=Decimal("0"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    segments = models.ManyToManyField(
        Segment, verbose_name=_("segments"), blank=True, related_name="agreements"
    )
    contract_required = models.BooleanField(_("contract required"), default=False)
    returnable_packaging = models.BooleanField(_("returnable packaging allowed"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[segments])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-valid_from", "-id"]
        permissions = [
            ("approve_agreement", _("Can approve agreements (make them active)")),
            ("manage_catalogue", _("Can change products, prices and typical agreements")),
            ("edit_documents", _("Can create and change sales documents")),
        ]
        indexes = [models.Index(fields=["partner", "typical"], name="agreement_partner_typical")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="typical", partner__isnull=True, typical__isnull=True)
                | models.Q(kind="individual", partner__isnull=False),
                name="agreement_kind_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_typical(self) -> bool:
        return self.kind == AgreementKind.TYPICAL


class PaymentStageBase(models.Model):
    """One stage of a payment schedule: `percent` of the amount, due `days` after the
    order (prepayment) or after shipment (credit)."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    basis = models.CharField(_("basis"), max_length=16, choices=PaymentBasis.choices)
    percent = percent(_("share, %"))
    days = models.PositiveIntegerField(_("days"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def as_tuple(self) -> tuple[str, Decimal, int]:
        return (self.basis, self.percent, self.days)


class AgreementStage(PaymentStageBase):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="stages")
    history = HistoricalRecords()

    class Meta(PaymentStageBase.Meta):
        verbose_name = _("payment stage")
        verbose_name_plural = _("payment schedule")

    def __str__(self) -> str:
        return f"{self.percent}% {self.get_basis_display()} +{self.days}"


class AgreementTransition(models.Model):
    """One status change of an agreement: who, when, from, to."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=AgreementStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=AgreementStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement status change")
        verbose_name_plural = _("agreement status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Contract(BusinessModel):
    """A signed contract with a counterparty (S5); an agreement may require documents to
    name one."""

    number = models.CharField(_("number"), max_length=50)
    date = models.DateField(_("date"))
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="contracts"
    )
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["counterparty", "number"], name="contract_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"№ {self.number} {self.date:%d.%m.%Y}"
