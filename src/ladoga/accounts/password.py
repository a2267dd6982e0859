"""Passwords for people: a user changes their own (the current one first), and one who
forgot theirs gets a reset link by e-mail.

The reset is Django's PasswordResetView family with Ladoga's pages and letter, sent through
the SMTP server of LADOGA_EMAIL_URL. Its answer is the same whether or not the address
belongs to anyone, so the page does not tell who has an account; the letter goes only to
active users with a password (Django's rule), and a failed sending is logged, not shown.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from . import services
from .forms import PasswordChangeForm


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            # This session stays signed in; the user's other sessions end.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("profile")
    status = 400 if form.errors else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
