"""Forms of the loyalty pages; they parse input only, the services hold the rules."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from ladoga.web.forms import DateInput, DecimalField

from .models import CardStatus, CheckDigit, CombineRule, DiscountType, KindStatus


def _inputs(form: forms.Form) -> None:
    for field in form.fields.values():
        if not isinstance(field.widget, forms.HiddenInput | forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "input")


class CardFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or holder"), required=False, max_length=100)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *CardStatus.choices]
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        _inputs(self)


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs.update(
            {"autofocus": True, "autocomplete": "off", "inputmode": "numeric"}
        )
        _inputs(self)


class IssueForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=None)
    partner = forms.ModelChoiceField(
        label=_("Holder"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"required": _("Find the holder and choose them in the list.")},
    )
    contact = forms.ModelChoiceField(
        label=_("Contact person"), queryset=None, required=False, widget=forms.HiddenInput
    )
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to take the kind's next number."),
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())

    def __init__(self, *args, kinds, partners, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["partner"].queryset = partners
        self.fields["contact"].queryset = contacts
        _inputs(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)


def _thresholds_parse(text: str) -> list[tuple[Decimal, Decimal]]:
    """Lines of "amount: percent" ("50000: 3")."""
    found = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        amount, _sep, percent = line.partition(":")
        try:
            found.append(
                (Decimal(amount.strip().replace(" ", "")), Decimal(percent.strip() or "x"))
            )
        except InvalidOperation:
            raise forms.ValidationError(
                _("Write each threshold on its own line as “amount: percent”.")
            ) from None
    return found


class KindForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=150)
    discount_type = forms.ChoiceField(label=_("Discount type"), choices=DiscountType.choices)
    percent = DecimalField(label=_("Discount, %"), required=False, max_digits=5, decimal_places=2)
    thresholds = forms.CharField(
        label=_("Thresholds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an accumulative kind: one “purchases from: percent” per line."),
    )
    period_days = forms.IntegerField(label=_("Rolling period, days"), initial=365)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())
    is_personal = forms.BooleanField(label=_("Personal"), required=False)
    prefix = forms.CharField(label=_("Number prefix"), required=False, max_length=12)
    length = forms.IntegerField(label=_("Number length"), initial=13)
    check_digit = forms.ChoiceField(label=_("Check digit"), choices=CheckDigit.choices)
    combine_rule = forms.ChoiceField(
        label=_("With the agreement's discount"), choices=CombineRule.choices
    )
    status = forms.ChoiceField(label=_("Status"), choices=KindStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _inputs(self)

    def clean_thresholds(self):
        return _thresholds_parse(self.cleaned_data["thresholds"])

    def clean_percent(self):
        return self.cleaned_data["percent"] or Decimal("0")
