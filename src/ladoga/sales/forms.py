"""Forms of the sales pages; they parse input only, the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgreementStatus, TaxRegime


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrderForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    partner = forms.ModelChoiceField(queryset=None, label=_("Partner"))
    counterparty = forms.ModelChoiceField(queryset=None, label=_("Counterparty"))
    agreement = forms.ModelChoiceField(queryset=None, label=_("Agreement"), required=False)
    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    delivery_date = forms.DateField(
        label=_("Delivery date"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the order's date plus the agreement's delivery term."),
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, partners, counterparties, agreements, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["counterparty"].queryset = counterparties
        self.fields["agreement"].queryset = agreements
        self.fields["contract"].queryset = contracts
        for name, field in self.fields.items():
            if name != "version":
                field.widget.attrs.setdefault("class", "input")


class LineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=None, label=_("Product"), required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=15, decimal_places=3, required=False
    )
    price = forms.DecimalField(
        label=_("Price"),
        max_digits=15,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the agreement's price."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount, %"), max_digits=7, decimal_places=2, required=False
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=200)


class UnpostForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=AgreementStatus.choices)


class IndividualAgreementForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=None, label=_("Partner"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput(), required=False)
    discount_percent = forms.DecimalField(
        label=_("Discount (−markup), %"), max_digits=7, decimal_places=2, required=False
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class CompanyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Short name"), max_length=255, required=False)
    full_name = forms.CharField(label=_("Full name"), max_length=500, required=False)
    inn = forms.CharField(label=_("INN"), max_length=12, required=False)
    kpp = forms.CharField(label=_("KPP"), max_length=9, required=False)
    ogrn = forms.CharField(label=_("OGRN"), max_length=15, required=False)
    address = forms.CharField(label=_("Legal address"), max_length=500, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=255, required=False)
    bik = forms.CharField(label=_("BIK"), max_length=9, required=False)
    account = forms.CharField(label=_("Account number"), max_length=20, required=False)
    correspondent_account = forms.CharField(
        label=_("Correspondent account"), max_length=20, required=False
    )
    director = forms.CharField(label=_("Director"), max_length=255, required=False)
    accountant = forms.CharField(label=_("Chief accountant"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.widget.attrs.setdefault("class", "input")


TAX_REGIMES = TaxRegime.choices
