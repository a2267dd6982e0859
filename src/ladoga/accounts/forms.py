import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Department, User
from .roles import STAFF_ROLES, Role


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone the server knows, as "Europe/Moscow" (the names people search
    for in the list by typing)."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        error_messages={
            "invalid_choice": _("Unknown time zone %(value)s: choose one from the list.")
        },
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


# --- Administration of users and departments --------------------------------------------


class PasswordTwiceMixin:
    """Two password fields that must match; the service checks the password's strength."""

    first_field, second_field = "password", "password_again"

    def clean(self):
        data = super().clean()
        first, second = data.get(self.first_field), data.get(self.second_field)
        if first and second and first != second:
            self.add_error(self.second_field, _("The two passwords differ."))
        return data


def _password_field(label, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _department_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("Not chosen"),
        **kwargs,
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )
    active = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Everyone")), ("1", _("Active")), ("0", _("Deactivated"))],
        required=False,
    )


class UserCreateForm(PasswordTwiceMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        initial=Role.MANAGER,
    )
    department = _department_field()
    password = _password_field(_("Password"))
    password_again = _password_field(_("Password again"))


class UserEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    department = _department_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # A portal user stays one (it acts for a partner); staff change among staff roles.
        roles = [Role.PORTAL] if user.role == Role.PORTAL else STAFF_ROLES
        self.fields["role"].choices = [(role.value, role.label) for role in roles]


class UserPasswordSetForm(PasswordTwiceMixin, forms.Form):
    password = _password_field(_("New password"))
    password_again = _password_field(_("New password again"))


class PasswordChangeForm(PasswordTwiceMixin, forms.Form):
    first_field, second_field = "new_password", "new_password_again"

    old_password = _password_field(_("Current password"), autocomplete="current-password")
    new_password = _password_field(_("New password"))
    new_password_again = _password_field(_("New password again"))


class DepartmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=150)
    parent = forms.ModelChoiceField(
        label=_("Parent department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("Not chosen"),
    )
    head = forms.ModelChoiceField(
        label=_("Head"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not chosen"),
        help_text=_("An active user with the role Head of sales."),
        error_messages={"invalid_choice": _("Choose an active head of sales from the list.")},
    )

    def __init__(self, *args, department: Department | None = None, heads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = heads
        if department is not None:
            self.fields["parent"].queryset = Department.objects.exclude(pk=department.pk)
