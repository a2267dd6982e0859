"""The shape of a document line: product, quantity, price, discount, VAT and amounts."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ._fields import money, percent, quantity
from .catalogue import Product


class LineBase(models.Model):
    """`amount` = quantity × price less the discount; `vat_amount` follows the document's tax
    regime; `total` is what the client pays for the line (amount plus VAT put on top)."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity(_("quantity"))
    price = money(_("price"))
    discount_percent = percent(_("discount, %"), default=Decimal("0"))
    vat_rate = percent(_("VAT rate, %"), default=Decimal("0"))
    amount = money(_("amount"), default=Decimal("0"))
    vat_amount = money(_("VAT"), default=Decimal("0"))
    total = money(_("total"), default=Decimal("0"))

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"
