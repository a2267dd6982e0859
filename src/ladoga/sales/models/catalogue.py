"""The catalogue (S1): product groups, products, price types and prices with effective dates."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.limits import ReadableManager
from ladoga.core.models import BusinessModel

from ._fields import money, percent


class ProductGroup(BusinessModel):
    """A folder of the catalogue; groups nest."""

    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="product_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Product(BusinessModel):
    """Something we sell: goods or a service, with its unit and VAT rate. Archived
    products stay on old documents but cannot be posted on new orders."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    vat_rate = percent(_("VAT rate, %"), default=Decimal("20"))
    group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    is_archived = models.BooleanField(_("archived"), default=False, db_index=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceType(BusinessModel):
    """A price list (base, wholesale, retail…). A derived type has no prices of its own:
    its price is the base type's price on the same date changed by `percent`."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    base = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
    )
    percent = percent(_("change from the base, %"), default=Decimal("0"))
    is_archived = models.BooleanField(_("archived"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price type")
        verbose_name_plural = _("price types")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_derived(self) -> bool:
        return self.base_id is not None


class Price(BusinessModel):
    """The price of a product in a price type from `effective_from` on; the price on a
    date is the latest one not after it."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="prices"
    )
    price_type = models.ForeignKey(
        PriceType, verbose_name=_("price type"), on_delete=models.PROTECT, related_name="prices"
    )
    effective_from = models.DateField(_("effective from"))
    amount = money(_("price"))
    history = HistoricalRecords()

    objects = ReadableManager()

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["product", "price_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_type", "product", "effective_from"], name="price_unique_date"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_not_negative"),
        ]
        # The unique constraint's index (price_type, product, effective_from) answers "the
        # latest price not after a date" by one index descent per product.

    def __str__(self) -> str:
        return f"{self.product} / {self.price_type}: {self.amount} ({self.effective_from})"
