"""Invoices for payment, shipments and incoming payments (S8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.partners.models import Counterparty, Partner

from ._fields import money, quantity
from .agreements import PaymentStageBase
from .catalogue import Product
from .documents import CustomerOrder, OrderLine


class Invoice(BusinessModel):
    """An invoice for payment of a posted order: the order's total split by its payment
    schedule into stages with due dates. `paid` is the sum of its payments."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    date = models.DateField(_("date"))
    order = models.ForeignKey(
        CustomerOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    total = money(_("total"))
    vat_total = money(_("VAT"), default=0)
    paid = money(_("paid"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["partner", "date"], name="invoice_partner_date")]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self):
        return self.total - self.paid


class InvoiceStage(PaymentStageBase):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="stages")
    amount = money(_("amount"))
    due_date = models.DateField(_("due date"))
    paid = money(_("paid"), default=0)
    history = HistoricalRecords()

    class Meta(PaymentStageBase.Meta):
        verbose_name = _("invoice stage")
        verbose_name_plural = _("invoice stages")

    def __str__(self) -> str:
        return f"{self.amount} by {self.due_date}"


class Shipment(BusinessModel):
    """Goods shipped against a posted order, in full or in part. Revenue is counted by
    shipment date (queries.revenue_by_partner)."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    date = models.DateField(_("date"))
    order = models.ForeignKey(
        CustomerOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    total = money(_("total"), default=0)
    vat_total = money(_("VAT"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-date", "-id"]
        indexes = [
            # Covers revenue_by_partner: the period's rows are read from the index alone.
            models.Index(fields=["date", "partner", "total", "vat_total"], name="shipment_revenue"),
            models.Index(fields=["partner", "date"], name="shipment_partner_date"),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="shipped"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity(_("quantity"))
    vat_amount = money(_("VAT"), default=0)
    total = money(_("total"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class Payment(BusinessModel):
    """Money received against an invoice. It pays the invoice's stages in due-date order;
    `due_date` is that of the earliest stage it pays, and `days_late` how many days after
    it the money came (0 when on time) — what payment discipline is measured by."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    date = models.DateField(_("date"))
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    amount = money(_("amount"))
    due_date = models.DateField(_("due date"))
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["partner", "date"], name="payment_partner_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return self.number
