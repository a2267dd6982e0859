"""Forms of the claims pages. They only parse input; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.queries import colleagues_visible_to, departments_visible_to
from ladoga.core.text import CLAIM_COMMENT_LIMIT, TEXT_LIMIT, TRANSITION_COMMENT_LIMIT
from ladoga.partners.models import Counterparty
from ladoga.web.forms import DateInput, DecimalField

from .models import ClaimResolution, ClaimStatus
from .queries import partners_for_claims, reasons_visible_to


def _input(**attrs):
    return {"class": "input", **attrs}


class ClaimForm(forms.Form):
    """Registering or editing a claim (C1). The partner is fixed once registered."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    interaction = forms.IntegerField(widget=forms.HiddenInput, required=False)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput(attrs=_input()))
    essence = forms.CharField(
        label=_("Essence"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=_input(rows=5)),
        help_text=_("What the client complains about, in their words."),
    )
    counterparty = forms.ModelChoiceField(label=_("Counterparty"), queryset=None, required=False)
    order_number = forms.CharField(
        label=_("Customer order number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs=_input(autocomplete="off")),
    )
    deal_number = forms.CharField(
        label=_("Deal number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs=_input(autocomplete="off")),
    )
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=None, required=False)
    culprit_department = forms.ModelChoiceField(
        label=_("Culprit department"), queryset=None, required=False
    )
    culprit_employee = forms.ModelChoiceField(
        label=_("Culprit employee"), queryset=None, required=False
    )
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False)
    compensation = DecimalField(
        label=_("Compensation"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs=_input()),
    )
    result = forms.CharField(
        label=_("Result"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=_input(rows=3)),
    )

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        partners = partners_for_claims(user=user).only("id", "name")
        self.fields["partner"].queryset = partners
        self.fields["counterparty"].queryset = (
            Counterparty.objects.filter(partner__in=partners)
            .select_related("partner")
            .only("id", "short_name", "partner__name")
        )
        self.fields["counterparty"].label_from_instance = lambda c: (
            f"{c.short_name} ({c.partner.name})"
        )
        self.fields["reason"].queryset = reasons_visible_to(user=user, active_only=True)
        self.fields["culprit_department"].queryset = departments_visible_to(user=user)
        staff = colleagues_visible_to(user=user)
        self.fields["culprit_employee"].queryset = staff
        self.fields["responsible"].queryset = staff
        for name in (
            "partner",
            "counterparty",
            "reason",
            "culprit_department",
            "culprit_employee",
            "responsible",
        ):
            self.fields[name].widget.attrs.update(_input())
        if editing:
            self.fields["partner"].disabled = True
            self.fields["partner"].required = False
        else:
            # The result is written when the claim is resolved.
            del self.fields["result"]


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=ClaimStatus.choices, widget=forms.HiddenInput)
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[("", "—"), *ClaimResolution.choices],
        required=False,
        widget=forms.Select(attrs=_input()),
    )
    result = forms.CharField(
        label=_("Result"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=_input(rows=3)),
    )
    compensation = DecimalField(
        label=_("Compensation"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs=_input()),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TRANSITION_COMMENT_LIMIT,
        widget=forms.TextInput(attrs=_input()),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=CLAIM_COMMENT_LIMIT,
        widget=forms.Textarea(attrs=_input(rows=3)),
    )
    is_public = forms.BooleanField(label=_("Visible to the client on the portal"), required=False)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs=_input()))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=255, widget=forms.TextInput(attrs=_input()))
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput(attrs=_input()))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues_visible_to(user=user)
        self.fields["assignee"].widget.attrs.update(_input())


class ReasonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, widget=forms.TextInput(attrs=_input()))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TRANSITION_COMMENT_LIMIT,
        widget=forms.TextInput(attrs=_input()),
    )


class ClaimFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs=_input(placeholder=_("Number, essence or partner"))),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *ClaimStatus.choices],
        widget=forms.Select(attrs=_input()),
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"),
        required=False,
        queryset=None,
        empty_label=_("Any"),
        widget=forms.Select(attrs=_input()),
    )
    department = forms.ModelChoiceField(
        label=_("Culprit department"),
        required=False,
        queryset=None,
        empty_label=_("Any"),
        widget=forms.Select(attrs=_input()),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput(attrs=_input()))
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput(attrs=_input()))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons_visible_to(user=user)
        self.fields["department"].queryset = departments_visible_to(user=user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period starts after it ends."))
        return data
