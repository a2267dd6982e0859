"""Interactions (I1–I4): one model for every kind, and its participants."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class InteractionKind(models.TextChoices):
    PLANNED = "planned", _("Planned interaction")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("E-mail")


# Kinds that take a place in the calendar (I5): they have a time that is yet to come.
EVENT_KINDS = (InteractionKind.PLANNED, InteractionKind.MEETING)


class Direction(models.TextChoices):
    NONE = "", _("—")
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class ReviewStatus(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", _("Not reviewed")
    REVIEWED = "reviewed", _("Reviewed")


class EmailStatus(models.TextChoices):
    NONE = "", _("—")
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")


class Interaction(BusinessModel):
    """A call, meeting, planned interaction or e-mail with a partner's people (I1).

    `title` is the topic (an e-mail's Subject header); `body` the notes or the text body.
    The subject (I3) is a (`subject_type`, `subject_id`) pair from the subject registry
    (`interactions.subjects`); `parent` repeats it when the subject is another interaction
    and `thread` is the first interaction of the chain (itself for a new chain), so a
    thread is one indexed column. `partner` is the partner the interaction concerns — the
    subject's partner, else a participant's — and drives the partner timeline and access.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    title = models.CharField(_("topic"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML text"), blank=True)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, blank=True, default=""
    )
    phone = models.CharField(_("phone number"), max_length=64, blank=True)
    phone_key = models.CharField(_("normalised phone"), max_length=32, blank=True, editable=False)
    duration = models.PositiveIntegerField(_("duration, seconds"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=16, choices=EmailStatus.choices, blank=True, default=""
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    send_error = models.TextField(_("why sending failed"), blank=True)
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    thread = models.ForeignKey(
        "self",
        verbose_name=_("thread"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    review_status = models.CharField(
        _("review status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_REVIEWED,
    )
    review_after = models.DateField(_("review after"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["body_html", "sending_since", "phone_key"])

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-start", "-id"]
        indexes = [
            # the unprocessed list (A5): one responsible's not-reviewed ones, oldest first
            models.Index(
                fields=["responsible", "start", "id"],
                condition=Q(review_status="not_reviewed"),
                name="interaction_unprocessed",
            ),
            # the partner timeline, newest first
            models.Index(fields=["partner", "start", "id"], name="interaction_partner_start"),
            # the calendar, "my interactions", and the manager comparison's counts by kind
            # (read from the index alone, without the rows)
            models.Index(
                fields=["responsible", "start", "kind", "email_status"],
                name="interaction_responsible_time",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="interaction_subject"),
            models.Index(fields=["thread", "start"], name="interaction_thread_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="interaction_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_event(self) -> bool:
        return self.kind in EVENT_KINDS

    @property
    def is_email_draft(self) -> bool:
        return self.kind == InteractionKind.EMAIL and self.email_status == EmailStatus.DRAFT

    @property
    def is_deferred(self) -> bool:

        return (
            self.review_status == ReviewStatus.NOT_REVIEWED
            and self.review_after is not None
            and self.review_after > timezone.localdate()
        )


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    FROM = "from", _("From")
    TO = "to", _("To")
    CC = "cc", _("Cc")


class Participant(models.Model):
    """Someone who took part (I2): free text, optionally linked to a partner, a contact
    person or a user. `phone_key` (E.164) and `email_key` (lower case) are the normalised
    forms that suggestions and "link all with the same address" search by."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="participants"
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    phone_key = models.CharField(max_length=32, blank=True, editable=False)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_participations",
    )
    contact = models.ForeignKey(
        "partners.ContactPerson",
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_participations",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["phone_key"], name="participant_phone_key"),
            models.Index(fields=["email_key"], name="participant_email_key"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        linked = self.contact or self.user or self.partner
        return self.name or (str(linked) if linked else "") or self.email or self.phone

    @property
    def is_linked(self) -> bool:
        return bool(self.partner_id or self.contact_id or self.user_id)
