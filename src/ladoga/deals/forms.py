"""Forms of the deals pages. They only parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.queries import colleagues_visible_to
from ladoga.accounts.roles import Role
from ladoga.core.text import TEXT_LIMIT
from ladoga.partners.models import ContactPerson, Partner
from ladoga.partners.queries import partners_visible_to
from ladoga.sales.queries import agreements_visible_to
from ladoga.web.forms import DateInput, DecimalField

from . import guards
from .models import (
    AssigneeKind,
    DealSource,
    DealStatus,
    PartyRole,
    ProcessType,
    StageOutcome,
)
from .queries import kinds_visible_to, loss_reasons_visible_to


def _input(**attrs):
    return {"class": "input", **attrs}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.HiddenInput
        ):
            continue
        widget.attrs.setdefault("class", "input")


class DealForm(forms.Form):
    """Opening or editing a deal (D2). The client and the kind are fixed once opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    interaction = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=255)
    partner = forms.ModelChoiceField(label=_("Client"), queryset=Partner.objects.none())
    kind = forms.ModelChoiceField(label=_("Deal kind"), queryset=None)
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=None, required=False)
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contact persons"), queryset=ContactPerson.objects.none(), required=False
    )
    amount = DecimalField(
        label=_("Potential amount"),
        required=False,
        max_digits=18,
        decimal_places=2,
        widget=forms.TextInput(),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="RUB")
    expected_close_date = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=DateInput(),
    )
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=DealSource.choices, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, deal=None, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        partners = (
            partners_visible_to(user=user)
            .filter(status="active")
            .select_related(None)
            .only("id", "name")
        )
        self.fields["partner"].queryset = partners
        self.fields["kind"].queryset = kinds_visible_to(user=user, active_only=True).order_by(
            "name"
        )
        self.fields["manager"].queryset = colleagues_visible_to(user=user).exclude(role=Role.CLAIMS)
        self.fields["agreement"].queryset = agreements_visible_to(user=user).exclude(
            status="closed"
        )
        client = deal.partner if deal else partner
        if client is None and self.data.get("partner", "").isdigit():
            client = partners.filter(pk=int(self.data["partner"])).first()
        self.fields["contacts"].queryset = (
            ContactPerson.objects.filter(partner=client) if client else ContactPerson.objects.none()
        )
        if deal is not None:
            for name in ("partner", "kind"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        _style(self)


class DealFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ModelChoiceField(label=_("Deal kind"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *DealStatus.choices], required=False
    )
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds_visible_to(user=user).order_by("name")
        self.fields["manager"].queryset = colleagues_visible_to(user=user)
        _style(self)


class LoseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.ModelChoiceField(label=_("Why was it lost?"), queryset=None, required=False)
    competitor = forms.ModelChoiceField(
        label=_("Competitor that won"), queryset=None, required=False
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = loss_reasons_visible_to(user=user, active_only=True)
        self.fields["competitor"].queryset = Partner.objects.filter(
            is_competitor=True, status="active"
        ).only("id", "name")
        _style(self)


class ProbabilityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    probability = forms.IntegerField(
        label=_("Probability, %"),
        required=False,
        help_text=_("Leave empty to use the computed probability."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None, required=False)
    contact = forms.ModelChoiceField(label=_("Contact person"), queryset=None, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args, user, deal, **kwargs):
        super().__init__(*args, **kwargs)
        from .queries import party_candidates

        self.fields["partner"].queryset = (
            party_candidates(user=user).exclude(pk=deal.partner_id).only("id", "name")
        )
        self.fields["contact"].queryset = ContactPerson.objects.filter(partner_id=deal.partner_id)
        _style(self)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=255)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    required = forms.BooleanField(label=_("Required before leaving the stage"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues_visible_to(user=user)
        _style(self)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class LineForm(forms.Form):
    """One line of a document made from a deal."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    quantity = DecimalField(
        label=_("Quantity"), min_value=0, max_digits=14, decimal_places=3, initial=1
    )
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=None, required=False)
    price = DecimalField(label=_("Price"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, user, **kwargs):
        from ladoga.sales.queries import products_visible_to

        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products_visible_to(user=user).filter(is_archived=False)
        self.fields["supplier"].queryset = Partner.objects.filter(
            is_supplier=True, status="active"
        ).only("id", "name")
        _style(self)


class KindForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=150)
    process_type = forms.ChoiceField(label=_("Process"), choices=ProcessType.choices)
    default_probability = forms.IntegerField(
        label=_("Default probability, %"),
        initial=20,
        help_text=_("For a kind without stages; stages have their own."),
    )
    stall_days = forms.IntegerField(
        label=_("Stalled after, days"),
        required=False,
        help_text=_("No stage move and no interaction for this many days. Empty: never."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class StageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=150)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=StageOutcome.choices)
    default_probability = forms.IntegerField(label=_("Default probability, %"), initial=10)
    guards = forms.MultipleChoiceField(
        label=_("Guards (strict kinds)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requires_tasks_done = forms.BooleanField(
        label=_("Required tasks done before leaving"), required=False
    )
    norm_days = forms.IntegerField(
        label=_("Norm, days"),
        required=False,
        help_text=_("How long a deal should stay in this stage at most. Empty: no norm."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guards"].choices = [(g.code, g.label) for g in guards.guards_all()]
        _style(self)


class TemplateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Task"), max_length=255)
    assignee_kind = forms.ChoiceField(label=_("Assignee"), choices=AssigneeKind.choices)
    assignee_role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *Role.choices], required=False
    )
    assignee_user = forms.ModelChoiceField(label=_("User"), queryset=None, required=False)
    due_in_days = forms.IntegerField(label=_("Due in working days"), initial=1)
    required = forms.BooleanField(label=_("Required"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee_user"].queryset = colleagues_visible_to(user=user)
        _style(self)


class LinkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=255)
    url = forms.CharField(label=_("Address"), max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReasonForm(forms.Form):
    name = forms.CharField(label=_("Reason"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
