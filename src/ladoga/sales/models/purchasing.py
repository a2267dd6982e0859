"""Supplier orders (S9): what we buy to fulfil a customer order or a deal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.partners.models import Partner

from ._fields import money, quantity
from .catalogue import Product
from .documents import CustomerOrder


class SupplierOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    CLOSED = "closed", _("Closed")


class SupplierOrder(BusinessModel):
    """An order to a supplier, made from a customer order or from a deal (by id)."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SupplierOrderStatus.choices,
        default=SupplierOrderStatus.DRAFT,
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    customer_order = models.ForeignKey(
        CustomerOrder,
        verbose_name=_("customer order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_orders",
    )
    deal_id = models.BigIntegerField(_("deal"), null=True, blank=True, db_index=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    total = money(_("total"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier order")
        verbose_name_plural = _("supplier orders")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.number


class SupplierOrderLine(models.Model):
    order = models.ForeignKey(SupplierOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity(_("quantity"))
    price = money(_("price"), default=0)
    amount = money(_("amount"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier order line")
        verbose_name_plural = _("supplier order lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"
