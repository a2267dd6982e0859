"""Counterparties (P2) and their bank accounts (P5)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .partner import Partner, RecordStatus


class CounterpartyKind(models.TextChoices):
    LEGAL_ENTITY = "legal_entity", _("Legal entity")
    SOLE_PROPRIETOR = "sole_proprietor", _("Sole proprietor")
    PERSON = "person", _("Private person")
    FOREIGN = "foreign", _("Foreign organisation")


class RegistryStatus(models.TextChoices):
    """The state registry's word on a counterparty (P11), as of `registry_checked_at`."""

    UNKNOWN = "unknown", _("Not checked")
    ACTIVE = "active", _("Active")
    REORGANIZING = "reorganizing", _("Being reorganised")
    LIQUIDATING = "liquidating", _("Being liquidated")
    BANKRUPT = "bankrupt", _("Bankrupt")
    LIQUIDATED = "liquidated", _("Liquidated")


# Statuses that make a counterparty unreliable to deal with: shown as a warning.
FLAGGED_REGISTRY_STATUSES = frozenset(
    {RegistryStatus.LIQUIDATING, RegistryStatus.BANKRUPT, RegistryStatus.LIQUIDATED}
)


class Counterparty(BusinessModel):
    """Whom documents are issued to: a legal entity, sole proprietor, person or foreign
    organisation (P2). One partner has many; one counterparty belongs to one partner.

    Among active counterparties an INN+KPP pair is unique (a branch of an organisation
    shares its INN but has its own KPP).
    """

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="counterparties"
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=CounterpartyKind.choices,
        default=CounterpartyKind.LEGAL_ENTITY,
    )
    short_name = models.CharField(_("short name"), max_length=255)
    full_name = models.CharField(_("full name"), max_length=500, blank=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True, db_index=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    ogrn = models.CharField(_("OGRN / OGRNIP"), max_length=15, blank=True)
    country = models.CharField(_("country"), max_length=2, default="RU")
    foreign_tax_number = models.CharField(_("foreign tax number"), max_length=50, blank=True)
    legal_address = models.CharField(_("legal address"), max_length=500, blank=True)
    registry_status = models.CharField(
        _("registry status"),
        max_length=16,
        choices=RegistryStatus.choices,
        default=RegistryStatus.UNKNOWN,
    )
    registry_checked_at = models.DateTimeField(_("registry checked"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        ordering = ["short_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inn", "kpp"],
                condition=Q(status="active") & ~Q(inn=""),
                name="counterparty_active_inn_kpp_unique",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_flagged(self) -> bool:
        """Liquidated, being liquidated or bankrupt according to the registry."""
        return self.registry_status in FLAGGED_REGISTRY_STATUSES


class BankAccount(BusinessModel):
    """A counterparty's account at a Russian bank (P5); numbers are checked by their keys."""

    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="bank_accounts",
    )
    bik = models.CharField(_("BIK"), max_length=9)
    number = models.CharField(_("account number"), max_length=20)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["counterparty", "bik", "number"], name="bank_account_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.bank_name or self.bik})"
