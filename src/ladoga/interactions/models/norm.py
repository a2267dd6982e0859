"""Contact norms (A10): how often a client of a segment or class must be contacted, and
the follow-ups already planned for clients past their norm."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel

from .interaction import InteractionKind

NORM_DAYS_MAX = 3650

# A contact is a meeting, a call or an e-mail; a planned interaction is only an intention.
CONTACT_KINDS = (InteractionKind.MEETING, InteractionKind.CALL, InteractionKind.EMAIL)


class AbcClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class XyzClass(models.TextChoices):
    ANY = "", _("Any")
    X = "X", "X"
    Y = "Y", "Y"
    Z = "Z", "Z"


class CountedContacts(models.TextChoices):
    RESPONSIBLE = "responsible", _("Only the responsible manager's")
    ANYONE = "anyone", _("Anyone's")


class ContactNorm(BusinessModel):
    """«Contact an A-class client at least every 14 days, a meeting or a call counts.»

    A norm applies to the clients of one segment, or to those of one ABC class (optionally
    narrowed to an XYZ class). A contact counts when it is one of `kinds` and, unless
    anyone's contact counts, when the client's responsible manager made it.
    """

    name = models.CharField(_("name"), max_length=150)
    segment = models.ForeignKey(
        "partners.Segment",
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_norms",
    )
    abc = models.CharField(_("ABC class"), max_length=1, choices=AbcClass.choices, blank=True)
    xyz = models.CharField(
        _("XYZ class"), max_length=1, choices=XyzClass.choices, blank=True, default=""
    )
    days = models.PositiveSmallIntegerField(
        _("at least every, days"),
        validators=[MinValueValidator(1), MaxValueValidator(NORM_DAYS_MAX)],
    )
    counted = models.CharField(
        _("whose contacts count"),
        max_length=16,
        choices=CountedContacts.choices,
        default=CountedContacts.RESPONSIBLE,
    )
    kinds = models.JSONField(_("kinds that count"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact norm")
        verbose_name_plural = _("contact norms")
        ordering = ["days", "name", "id"]
        permissions = [("manage_contact_norms", _("Can configure contact norms"))]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="contact_norm_days_positive"),
            models.CheckConstraint(
                condition=(Q(segment__isnull=False) & Q(abc=""))
                | (Q(segment__isnull=True) & ~Q(abc="")),
                name="contact_norm_segment_or_class",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def applies_to(self) -> str:
        if self.segment_id:
            return str(self.segment)
        return _("class %(label)s") % {"label": f"{self.abc}{self.xyz}"}

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(InteractionKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]


class ContactFollowUp(models.Model):
    """A planned interaction created once for a client that went past a norm.

    `due_on` is the day the client became due (the last contact, or the day the client was
    registered, plus the norm's days): the same overdue spell never gets a second one, a
    later spell after a new contact does.
    """

    norm = models.ForeignKey(ContactNorm, on_delete=models.CASCADE, related_name="follow_ups")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="contact_follow_ups"
    )
    due_on = models.DateField(_("due on"))
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contact follow-up")
        verbose_name_plural = _("contact follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["norm", "partner", "due_on"], name="contact_follow_up_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.norm_id}: {self.partner_id} {self.due_on}"
