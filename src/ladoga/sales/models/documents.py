"""Commercial proposals (S6) and customer orders (S7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel
from ladoga.loyalty.models import LoyaltyCard
from ladoga.partners.models import Counterparty, Partner

from ._fields import money
from .agreements import Agreement, Contract, PaymentStageBase, TaxRegime
from .lines import LineBase


class SalesDocument(BusinessModel):
    """What proposals and orders share: number, date, partner, conditions and totals.

    `deal_id` names the deal the document was made for. Deals sit above sales in the
    layering, so it is a plain indexed integer, not a foreign key (docs/sales.md)."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    date = models.DateField(_("date"))
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    tax_regime = models.CharField(
        _("tax regime"), max_length=16, choices=TaxRegime.choices, default=TaxRegime.VAT_INCLUDED
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    amount = money(_("amount"), default=0)
    vat_total = money(_("VAT"), default=0)
    total = money(_("total"), default=0)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Proposal(SalesDocument):
    """A commercial proposal (КП): lines priced from the agreement, printable."""

    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commercial proposal")
        verbose_name_plural = _("commercial proposals")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["partner", "date"], name="proposal_partner_date")]

    def __str__(self) -> str:
        return self.number


class ProposalLine(LineBase):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    history = HistoricalRecords()

    class Meta(LineBase.Meta):
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class CustomerOrder(SalesDocument):
    """A customer order (Заказ клиента). A draft may hold anything; posting checks it
    against the agreement (services.order_post) and a posted order is changed only by
    unposting it first."""

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrderStatus.choices,
        default=OrderStatus.DRAFT,
        db_index=True,
    )
    counterparty = models.ForeignKey(
        Counterparty, verbose_name=_("counterparty"), on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    delivery_date = models.DateField(_("delivery date"))
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    loyalty_card = models.ForeignKey(
        LoyaltyCard,
        verbose_name=_("loyalty card"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer order")
        verbose_name_plural = _("customer orders")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["partner", "date"], name="order_partner_date"),
            models.Index(fields=["date", "partner"], name="order_date_partner"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_posted(self) -> bool:
        return self.status == OrderStatus.POSTED


class OrderLine(LineBase):
    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="lines")
    history = HistoricalRecords()

    class Meta(LineBase.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")


class OrderStage(PaymentStageBase):
    """The order's own payment schedule; posting requires it to match the agreement's."""

    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="stages")
    history = HistoricalRecords()

    class Meta(PaymentStageBase.Meta):
        verbose_name = _("payment stage")
        verbose_name_plural = _("payment schedule")

    def __str__(self) -> str:
        return f"{self.percent}% {self.basis} +{self.days}"


class OrderAction(models.TextChoices):
    POSTED = "posted", _("Posted")
    UNPOSTED = "unposted", _("Unposted")


class OrderEvent(models.Model):
    """One posting or unposting of an order: who, when, why."""

    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=OrderAction.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("order posting event")
        verbose_name_plural = _("order posting events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"
