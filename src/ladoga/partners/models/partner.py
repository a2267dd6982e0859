"""Partners (P1): the business relationship, its group, segments and search keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class PartnerRole(models.TextChoices):
    """What a partner is to us; a partner may have several roles at once."""

    CLIENT = "client", _("Client")
    SUPPLIER = "supplier", _("Supplier")
    COMPETITOR = "competitor", _("Competitor")
    CARRIER = "carrier", _("Carrier")
    OTHER = "other", _("Other relations")


# The boolean column that stores each role (filterable, indexed, kept in history).
ROLE_FIELDS = {
    PartnerRole.CLIENT: "is_client",
    PartnerRole.SUPPLIER: "is_supplier",
    PartnerRole.COMPETITOR: "is_competitor",
    PartnerRole.CARRIER: "is_carrier",
    PartnerRole.OTHER: "is_other",
}


class PartnerKind(models.TextChoices):
    """A company, or a private person buying for themselves (1C: «Компания / Частное лицо»)."""

    COMPANY = "company", _("Company")
    PERSON = "person", _("Private person")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


RecordStatus = PartnerStatus


class PartnerGroup(BusinessModel):
    """A folder of the partner hierarchy («Группа партнёров»); groups nest."""

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
        verbose_name = _("partner group")
        verbose_name_plural = _("partner groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="partner_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Segment(BusinessModel):
    """A named set of partners (S2). Membership is manual for now; rule-based segments
    (S2) will add a rule and fill the same membership."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(BusinessModel):
    """A business relationship: a client, supplier, competitor… (P1).

    Legal requisites live on its counterparties (P2); a private person as a client is a
    partner of kind "person" whose counterparty is of kind "person" (docs/partners.md).
    Partners are archived, never deleted; a merged duplicate is archived and points at
    the partner it was merged into.
    """

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PartnerKind.choices, default=PartnerKind.COMPANY
    )
    is_client = models.BooleanField(_("client"), default=False, db_index=True)
    is_supplier = models.BooleanField(_("supplier"), default=False, db_index=True)
    is_competitor = models.BooleanField(_("competitor"), default=False)
    is_carrier = models.BooleanField(_("carrier"), default=False)
    is_other = models.BooleanField(_("other relations"), default=False)
    is_potential_client = models.BooleanField(_("potential client"), default=False)
    group = models.ForeignKey(
        PartnerGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
    )
    segments = models.ManyToManyField(
        Segment, verbose_name=_("segments"), blank=True, related_name="partners"
    )
    # Not indexed on its own: nearly every partner is active, and SQLite's planner, which
    # has no statistics, would otherwise walk this index for every join on the partner.
    status = models.CharField(
        _("status"), max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE
    )
    comment = models.TextField(_("comment"), blank=True)
    name_key = models.CharField(_("normalised name"), max_length=255, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )
    history = HistoricalRecords(m2m_fields=[segments])

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["manager", "status"], name="partner_manager_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        return [str(role) for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def is_archived(self) -> bool:
        return self.status == PartnerStatus.ARCHIVED


class PartnerNameKey(models.Model):
    """One short search key of a partner's name (keys.name_search_keys), indexed, so the
    fuzzy duplicate check compares a handful of candidates instead of every partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["key", "partner"], name="partner_name_key")]
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="partner_name_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class PartnerMerge(models.Model):
    """The record of one merge (P9): who merged which duplicate into which survivor, and
    how many references of each kind moved."""

    survivor = models.ForeignKey(
        Partner, verbose_name=_("survivor"), on_delete=models.PROTECT, related_name="merges"
    )
    duplicate = models.ForeignKey(
        Partner, verbose_name=_("duplicate"), on_delete=models.PROTECT, related_name="+"
    )
    duplicate_name = models.CharField(_("duplicate's name"), max_length=255)
    moved = models.JSONField(_("moved references"), default=dict)
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner merge")
        verbose_name_plural = _("partner merges")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.duplicate_name} → {self.survivor}"
