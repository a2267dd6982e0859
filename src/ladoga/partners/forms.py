"""Forms of the partners pages. They only shape input: every rule is checked by the
services (`form_errors_from` shows their messages on the fields), so the pages and the
API refuse exactly the same things."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.queries import colleagues_visible_to
from ladoga.core.errors import FileRejected
from ladoga.core.files import check_size
from ladoga.core.text import TEXT_LIMIT
from ladoga.web.forms import DateInput

from .exchange.tabular import ENCODINGS, FIELDS
from .models import (
    ContactInfoKind,
    CounterpartyKind,
    DecisionRole,
    PartnerGroup,
    PartnerKind,
    PartnerRole,
    PropertyType,
    RecordStatus,
    Segment,
)


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PartnerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=PartnerRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_potential_client = forms.BooleanField(label=_("Potential client"), required=False)
    manager = ManagerChoiceField(label=_("Responsible manager"), queryset=None, required=False)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=PartnerGroup.objects.all(), required=False
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Segments"),
        queryset=Segment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=TEXT_LIMIT
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = colleagues_visible_to(user=user).order_by(
            "last_name", "first_name", "username"
        )
        self.fields["manager"].empty_label = _("Me")


def _duplicate_check_attrs(**extra) -> dict:
    """A field whose typing reruns the live duplicate check (htmx, after a pause)."""
    return {
        "hx-get": reverse_lazy("partners:duplicate_check"),
        "hx-trigger": "input changed delay:400ms",
        "hx-target": "#duplicate-suspects",
        "hx-include": "[data-duplicate-evidence]",
        "hx-sync": "closest form:replace",
        "data-duplicate-evidence": True,
        "autocomplete": "off",
        **extra,
    }


class PartnerEntryForm(PartnerForm):
    """A new partner as quick create and the wizard's first step take it: the partner
    plus, optionally, its INN and phone — what the duplicate check recognises it by,
    checked live as it is typed."""

    inn = forms.CharField(
        label=_("INN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=_duplicate_check_attrs(inputmode="numeric")),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs=_duplicate_check_attrs(type="tel")),
    )
    confirm_duplicates = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(_duplicate_check_attrs())

    def partner_fields(self) -> dict:
        """The cleaned data that are the partner's own (not its INN, phone or the
        confirmation)."""
        data = dict(self.cleaned_data)
        for key in ("inn", "phone", "confirm_duplicates"):
            data.pop(key, None)
        return data


class CounterpartyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CounterpartyKind.choices)
    short_name = forms.CharField(label=_("Short name"), max_length=255)
    full_name = forms.CharField(label=_("Full name"), max_length=500, required=False)
    inn = forms.CharField(
        label=_("INN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kpp = forms.CharField(label=_("KPP"), max_length=12, required=False)
    ogrn = forms.CharField(label=_("OGRN / OGRNIP"), max_length=20, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="RU")
    foreign_tax_number = forms.CharField(
        label=_("Foreign tax number"), max_length=50, required=False
    )
    legal_address = forms.CharField(label=_("Legal address"), max_length=500, required=False)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=TEXT_LIMIT
    )


class CounterpartyEditForm(CounterpartyForm):
    status = forms.ChoiceField(label=_("Status"), choices=RecordStatus.choices)


class BankAccountForm(forms.Form):
    bik = forms.CharField(
        label=_("BIK"), max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    number = forms.CharField(
        label=_("Account number"),
        max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    correspondent_account = forms.CharField(
        label=_("Correspondent account"), max_length=25, required=False
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=255, required=False)
    is_primary = forms.BooleanField(label=_("Primary account"), required=False)


class ContactForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    decision_role = forms.ChoiceField(
        label=_("Role in decisions"), choices=DecisionRole.choices, required=False
    )
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=DateInput())
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=TEXT_LIMIT
    )


class ContactEditForm(ContactForm):
    status = forms.ChoiceField(label=_("Status"), choices=RecordStatus.choices)


class ContactInfoRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactInfoKind.choices)
    value = forms.CharField(label=_("Value"), max_length=500, required=False)
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)


ContactInfoFormSet = forms.formset_factory(ContactInfoRowForm, extra=2, max_num=50)


def contact_info_items(formset) -> list[dict]:
    """The filled rows of a contact-information formset, as contact_info_set takes them."""
    return [
        {k: f.cleaned_data.get(k) for k in ("kind", "value", "label", "is_primary")}
        for f in formset.forms
        if f.is_valid() and f.cleaned_data.get("value")
    ]


class PropertiesForm(forms.Form):
    """One field per additional property; values are parsed by the service."""

    def __init__(self, *args, definitions=(), values=None, **kwargs):
        super().__init__(*args, **kwargs)
        values = values or {}
        self.definitions = list(definitions)
        for definition in self.definitions:
            name = f"p{definition.pk}"
            current = values.get(definition.pk)
            if definition.value_type == PropertyType.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "—"), *((c.label, c.label) for c in definition.choices.all())],
                    required=False,
                )
            elif definition.value_type == PropertyType.DATE:
                field = forms.CharField(required=False, widget=DateInput())
            elif definition.value_type == PropertyType.NUMBER:
                field = forms.CharField(
                    required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
                )
            else:
                field = forms.CharField(required=False, max_length=1000)
            field.label = definition.name
            field.initial = "" if current is None else str(current)
            self.fields[name] = field

    def values(self) -> dict[int, str]:
        return {d.pk: self.cleaned_data.get(f"p{d.pk}", "") for d in self.definitions}


class RelationForm(forms.Form):
    """A relation from this record: `reading` is "<type id>:out" (this record is the first
    end) or "<type id>:in"; `target` the other record's id (found with the search)."""

    reading = forms.ChoiceField(label=_("Relation"))
    target = forms.IntegerField(label=_("With"), widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for relation_type in types:
            choices.append((f"{relation_type.pk}:out", relation_type.name))
            if relation_type.inverse_name:
                choices.append((f"{relation_type.pk}:in", relation_type.inverse_name))
        self.fields["reading"].choices = choices


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I checked both partners: merge the duplicate into this one."), required=True
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx); the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), choices=list(ENCODINGS.items()), initial="utf-8"
    )

    def clean_file(self):
        """The upload limit (LADOGA_UPLOAD_MAX_MB) holds for an import file too."""
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except FileRejected as error:
            raise forms.ValidationError(error.detail) from None
        return upload


class ImportMappingForm(forms.Form):
    """One select per column of the file: the field it fills (or nothing)."""

    def __init__(self, *args, headers=(), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        mapping = mapping or {}
        choices = [("", _("— do not import —")), *FIELDS.items()]
        for index, header in enumerate(headers):
            self.fields[f"c{index}"] = forms.ChoiceField(
                label=header or _("Column %(number)d") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(index, ""),
            )

    def mapping(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class ImportRunForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and skip the rows with errors"), required=False
    )


class VcardImportForm(forms.Form):
    file = forms.FileField(
        label=_("vCard file (.vcf)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".vcf,text/vcard"}),
    )
    dry_run = forms.BooleanField(label=_("Only check, do not import"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the valid cards and skip the broken ones"), required=False
    )


# ---- the registration wizard (P8): one form per step ----


class WizardCounterpartyForm(CounterpartyForm):
    none = forms.BooleanField(label=_("No counterparty yet"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("comment")
        self.fields.pop("version")
        self.fields["short_name"].required = False
        self.fields["kind"].required = False
        self.fields["country"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("none") and not data.get("short_name"):
            self.add_error("short_name", _("A counterparty needs a short name."))
        return data


class WizardContactForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    decision_role = forms.ChoiceField(
        label=_("Role in decisions"), choices=DecisionRole.choices, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)

    def filled(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


WizardContactFormSet = forms.formset_factory(WizardContactForm, extra=0, max_num=20)


class WizardBankAccountForm(BankAccountForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_primary")
        for field in self.fields.values():
            field.required = False

    def filled(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class WizardConfirmForm(forms.Form):
    confirm_duplicates = forms.BooleanField(
        label=_("These are different partners: register anyway."), required=False
    )
