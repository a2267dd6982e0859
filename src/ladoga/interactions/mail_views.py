"""The user's mail accounts page (I7): connect, edit, test the connection, fetch now, see
the status, delete with confirmation. The rules are the services' (`services.mailboxes`),
as in the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.accounts.models import Department
from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from . import queries, services
from .models import MailAccount, MailSecurity
from .tasks import mail_account_fetch


class MailAccountForm(forms.Form):
    """Ports and required fields are checked by the service, so a bad one gets its message."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    host = forms.CharField(label=gettext_lazy("IMAP server"), max_length=255)
    security = forms.ChoiceField(
        label=gettext_lazy("Connection security"), choices=MailSecurity.choices
    )
    port = forms.IntegerField(label=gettext_lazy("Port"), initial=993)
    verify_certificate = forms.BooleanField(
        label=gettext_lazy("Verify the server's certificate"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Turn off only for a server with its own certificate on a network you trust."
        ),
    )
    username = forms.CharField(label=gettext_lazy("User name"), max_length=255)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Stored encrypted. Leave empty to keep the current one."),
    )
    inbox_folder = forms.CharField(
        label=gettext_lazy("Incoming folder"), max_length=255, initial="INBOX"
    )
    sent_folder = forms.CharField(label=gettext_lazy("Sent folder"), max_length=255, initial="Sent")
    department = forms.ModelChoiceField(
        label=gettext_lazy("Share with department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=gettext_lazy("Its people see the account and may fetch it; only you change it."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Fetch mail"), required=False, initial=True)
    import_existing = forms.BooleanField(
        label=gettext_lazy("Also import the mail already in the folder"), required=False
    )

    def __init__(self, *args, user, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = access.department_ids_of(user)
        self.fields["department"].queryset = (
            Department.objects.all()
            if access.scope_of(user) is access.Scope.ALL
            else Department.objects.filter(pk__in=ids)
        )
        if account is not None:
            del self.fields["import_existing"]


FIELDS = (
    "name",
    "host",
    "port",
    "security",
    "verify_certificate",
    "username",
    "password",
    "inbox_folder",
    "sent_folder",
    "department",
    "is_active",
)


def _staff(request) -> None:
    if request.user.is_portal or not request.user.has_perm("interactions.add_interaction"):
        raise PermissionDenied


def _account_or_404(request, account_id: int) -> MailAccount:
    return access.get_visible_or_404(MailAccount.objects.all(), request.user, pk=account_id)


def _changeable(request, account: MailAccount) -> None:
    if not services.mail_account_can_change(account, request.user):
        raise PermissionDenied


@login_required
def mail_account_list(request):
    _staff(request)
    accounts = list(queries.mail_accounts_visible_to(user=request.user))
    for account in accounts:
        account.can_change = services.mail_account_can_change(account, request.user)
    return render(request, "interactions/mail_accounts.html", {"accounts": accounts})


@login_required
def mail_account_edit(request, account_id: int = 0):
    _staff(request)
    account = _account_or_404(request, account_id) if account_id else None
    if account is not None:
        _changeable(request, account)
        initial = {name: getattr(account, name) for name in FIELDS if name != "password"}
    else:
        initial = {"security": MailSecurity.SSL}
    form = MailAccountForm(
        request.POST or None, initial=initial, user=request.user, account=account
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if account is None:
                services.mail_account_connect(by=request.user, **data)
            else:
                changes = {k: v for k, v in data.items() if v != initial.get(k)}
                services.mail_account_update(account=account, by=request.user, **changes)
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Mail account saved: the server accepted the login."))
            return redirect("interactions:mail_accounts")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "interactions/mail_account_form.html",
        {"form": form, "account": account},
        status=status,
    )


@login_required
@require_POST
def mail_account_test(request, account_id: int):
    _staff(request)
    account = _account_or_404(request, account_id)
    _changeable(request, account)
    account = services.mail_account_test(account=account, by=request.user)
    if account.last_error:
        messages.error(request, account.last_error)
    else:
        messages.success(request, _("The connection works."))
    return redirect("interactions:mail_accounts")


@login_required
@require_POST
def mail_account_fetch_now(request, account_id: int):
    """Queue a fetch of the account (run at once when tasks are immediate)."""
    _staff(request)
    account = _account_or_404(request, account_id)
    if not account.is_active:
        messages.error(request, _("Mail is not fetched for this account: turn it on first."))
    else:
        mail_account_fetch(account.pk)
        messages.success(request, _("Fetching the mail of «%(name)s».") % {"name": account.name})
    return redirect("interactions:mail_accounts")


@login_required
def mail_account_delete(request, account_id: int):
    _staff(request)
    account = _account_or_404(request, account_id)
    _changeable(request, account)
    if request.method == "POST":
        services.mail_account_delete(account=account, by=request.user)
        messages.success(request, _("Mail account disconnected."))
        return redirect("interactions:mail_accounts")
    return render(request, "interactions/mail_account_delete.html", {"account": account})
