"""Mail accounts over IMAP (I7): where incoming mail is fetched from and sent mail is filed.

An account belongs to its owner: imported messages are registered in the owner's name and
the owner is told when the account stops working. An account may also be shared with a
department (a team mailbox such as sales@): the department's people see it and its status
and may fetch it now; only the owner (and administrators) change it.

Every message taken from the server leaves an ImportedMessage, unique per (account,
UIDVALIDITY, UID) and written in the same transaction as its interaction: a message is
registered once, even when two fetches of the same account overlap.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ladoga.core.models import BusinessModel

from .interaction import Interaction


class MailSecurity(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None: plain text (only on a trusted network)")


class MailAccountStatus(models.TextChoices):
    OK = "ok", _("Working")
    AUTH = "auth", _("Error: the server refused the user name or password")
    CERTIFICATE = "certificate", _("Error: the server's certificate is not trusted")
    CONNECTION = "connection", _("Error: the server cannot be reached")
    FOLDER = "folder", _("Error: the folder is not on the server")


class MailAccount(BusinessModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="mail_accounts",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("shared with department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_accounts",
    )
    name = models.CharField(_("name"), max_length=150)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"))
    security = models.CharField(
        _("connection security"), max_length=16, choices=MailSecurity.choices
    )
    verify_certificate = models.BooleanField(_("verify the server's certificate"), default=True)
    username = models.CharField(_("user name"), max_length=255)
    password_encrypted = models.TextField(editable=False)
    inbox_folder = models.CharField(_("incoming folder"), max_length=255, default="INBOX")
    sent_folder = models.CharField(_("sent folder"), max_length=255, default="Sent")
    is_active = models.BooleanField(_("fetch mail"), default=True)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.PositiveBigIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=MailAccountStatus.choices, default=MailAccountStatus.OK
    )
    last_error = models.TextField(_("last error"), blank=True)
    error_at = models.DateTimeField(_("error since"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    fetching_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mail account")
        verbose_name_plural = _("mail accounts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ImportedMessage(models.Model):
    """One message of an account's incoming folder that has been taken in. `interaction` is
    the interaction it became (or the one already registered with its Message-ID); empty
    with `error` when the message could not be registered (not a message, too large)."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="imported")
    uidvalidity = models.PositiveBigIntegerField()
    uid = models.PositiveBigIntegerField()
    message_id = models.CharField(max_length=255, blank=True)
    interaction = models.ForeignKey(
        Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported message")
        verbose_name_plural = _("imported messages")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "uidvalidity", "uid"], name="imported_message_once"
            )
        ]
        indexes = [models.Index(fields=["account", "message_id"], name="imported_message_id")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.uidvalidity}/{self.uid}"
