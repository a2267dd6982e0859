"""Forms of the sales pages; they parse input only, the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ladoga.core.text import TEXT_LIMIT
from ladoga.partners.models import PartnerRole
from ladoga.web.forms import DateInput, DecimalField

from .models import AgreementStatus, PaymentBasis, TaxRegime
from .models.segments import AbcClass


def _inputs(form: forms.Form) -> None:
    """The shared look: every visible input, select and textarea has the `input` class."""
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(
            widget, forms.HiddenInput | forms.CheckboxInput | forms.CheckboxSelectMultiple
        ):
            widget.attrs.setdefault("class", "input")


class PartnerPick(forms.HiddenInput):
    """A partner chosen by searching as you type (htmx asks `sales:partner_search`): a
    search box, the results, the chosen name and a hidden input with the partner's id.
    `queryset` (set by PartnerField) names the partners whose names may be shown."""

    template_name = "sales/widgets/partner_pick.html"
    queryset = None

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picked = None
        if self.queryset is not None and str(value or "").isdigit():
            picked = self.queryset.filter(pk=int(value)).first()
        context["widget"]["picked"] = picked
        return context


class PartnerField(forms.ModelChoiceField):
    """A partner from `queryset` (the ones the user may see), picked with PartnerPick; an
    id outside it is refused like an unknown one."""

    widget = PartnerPick
    default_error_messages = {
        "invalid_choice": _("Choose a partner from the search results."),
        "required": _("Choose a partner: type a part of the name and pick it from the list."),
    }

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class CounterpartyChoiceField(forms.ModelChoiceField):
    """A counterparty; one the registry marks liquidated, being liquidated or bankrupt is
    offered with a warning (posting refuses a liquidated one)."""

    def label_from_instance(self, obj):
        if obj.is_flagged:
            return _("%(name)s — warning: %(status)s") % {
                "name": obj.short_name,
                "status": obj.get_registry_status_display().lower(),
            }
        return obj.short_name


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} · {obj.counterparty.short_name}"


class DocumentHeadForm(forms.Form):
    """The head of a proposal or an order: the partner, picked by search on a new document
    (an edit form keeps the document's partner and has no picker), and the selects that
    offer the chosen partner's records only — the agreement, and the fields a subclass
    adds. The view shows them with `partner_options_set`; `sales/_partner_options.html`
    refills them when another partner is picked. Validation keeps the wider querysets the
    form was made with, so that a choice of another partner's reaches the service and its
    message is shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    partner = PartnerField(queryset=None, label=_("Partner"))
    agreement = forms.ModelChoiceField(
        queryset=None,
        label=_("Agreement"),
        required=False,
        empty_label=_("Choose the partner first"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_LIMIT,
    )

    def __init__(self, *args, partners, agreements, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["partner"]  # a document keeps its partner
        else:
            self.fields["partner"].queryset = partners
        self.fields["agreement"].queryset = agreements
        _inputs(self)

    def partner_options_set(self, options: dict, *, partner_chosen: bool) -> None:
        """Offer these records (field name → queryset: the chosen partner's) in the fields
        the form has, when it is shown."""
        for name, queryset in options.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
                if partner_chosen:
                    self.fields[name].empty_label = "---------"


class OrderForm(DocumentHeadForm):
    """The order's head: the partner's counterparty, agreement and contract."""

    counterparty = CounterpartyChoiceField(
        queryset=None, label=_("Counterparty"), empty_label=_("Choose the partner first")
    )
    contract = ContractChoiceField(queryset=None, label=_("Contract"), required=False)
    delivery_date = forms.DateField(
        label=_("Delivery date"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the order's date plus the agreement's delivery term."),
    )

    loyalty_card = forms.CharField(
        label=_("Loyalty card"),
        required=False,
        max_length=64,
        help_text=_("Scan or type the client's card number; its discount goes into the prices."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, counterparties, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = counterparties
        self.fields["contract"].queryset = contracts
        self.fields["loyalty_card"].widget.attrs.setdefault("class", "input")


class ProductPick(PartnerPick):
    """A line's product chosen by searching as you type (htmx asks
    `sales:line_product_search`): the same picker as PartnerPick (sales.js), whose chosen
    product also tells its VAT rate (`data-vat-rate`) for the live totals. `queryset`
    (set by ProductField) names the products whose names may be shown."""

    template_name = "sales/widgets/product_pick.html"

    @property
    def is_hidden(self) -> bool:
        return False  # a visible picker in the row, not a hidden field of the form


class ProductField(forms.ModelChoiceField):
    """A product from `queryset` (the active ones the user may see, and the document's
    own), picked with ProductPick; an id outside it is refused like an unknown one."""

    widget = ProductPick
    default_error_messages = {
        "invalid_choice": _("Choose a product from the search results."),
    }

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class ProposalLineForm(forms.Form):
    """A line of a proposal: a product and its quantity (the price is the agreement's).
    A quantity is typed in either language ("3,5" or "3.5") and kept within its column
    (15 digits, 3 of them decimals)."""

    product = ProductField(queryset=None, label=_("Product"), required=False)
    quantity = DecimalField(label=_("Quantity"), max_digits=15, decimal_places=3, required=False)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        _inputs(self)


class LineForm(ProposalLineForm):
    """A line of an order: a proposal's line with its own price and manual discount."""

    price = DecimalField(
        label=_("Price"),
        max_digits=15,
        decimal_places=2,
        required=False,
        help_text=_("Empty: the agreement's price."),
    )
    discount_percent = DecimalField(
        label=_("Discount, %"), max_digits=7, decimal_places=2, required=False
    )


class LinesBase(forms.BaseFormSet):
    """Document lines: a row's "Remove" box (`data-line-remove` for sales.js) leaves it
    out when the document is saved."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["data-line-remove"] = ""


# One empty row to begin with; the "Add a line" button adds more without saving (sales.js),
# and a row's "Remove" box leaves it out when the document is saved.
LineFormSet = forms.formset_factory(
    LineForm, formset=LinesBase, extra=1, max_num=200, can_delete=True
)


class UnpostForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=AgreementStatus.choices)


class IndividualAgreementForm(forms.Form):
    partner = PartnerField(queryset=None, label=_("Partner"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput(), required=False)
    discount_percent = DecimalField(
        label=_("Discount (−markup), %"), max_digits=7, decimal_places=2, required=False
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        _inputs(self)


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
        _inputs(self)


TAX_REGIMES = TaxRegime.choices


class ProductForm(forms.Form):
    """Code and name are checked by the service (so its messages show), the rest parsed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=50, required=False)
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False, initial="pcs")
    vat_rate = DecimalField(label=_("VAT rate, %"), max_digits=7, decimal_places=2, initial=20)
    group = forms.ModelChoiceField(
        queryset=None, label=_("Product group"), required=False, empty_label=_("No group")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_LIMIT,
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        _inputs(self)


class PriceForm(forms.Form):
    price_type = forms.ModelChoiceField(queryset=None, label=_("Price type"))
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    amount = DecimalField(label=_("Price"), max_digits=15, decimal_places=2)

    def __init__(self, *args, price_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_type"].queryset = price_types
        _inputs(self)


class PriceTypeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False, initial="RUB")
    base = forms.ModelChoiceField(
        queryset=None,
        label=_("Derived from"),
        required=False,
        empty_label=_("None: the type has prices of its own"),
        help_text=_("A derived type has no prices of its own: it takes the base's changed by %."),
    )
    percent = DecimalField(
        label=_("Change from the base, %"),
        max_digits=7,
        decimal_places=2,
        initial=0,
        help_text=_("Positive for a markup on the base, negative for a reduction."),
    )
    is_archived = forms.BooleanField(label=_("Archived"), required=False)

    def __init__(self, *args, price_types, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = price_types
        if editing:
            del self.fields["currency"]  # the service does not change a type's currency
        else:
            del self.fields["is_archived"]
        _inputs(self)


class AgreementForm(forms.Form):
    """A typical agreement's conditions (an individual one's without segments). The
    business rules (shares adding up to 100 %, validity, limits) are the service's."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    price_type = forms.ModelChoiceField(queryset=None, label=_("Price type"))
    delivery_days = forms.IntegerField(label=_("Delivery term, days"), initial=0)
    tax_regime = forms.ChoiceField(
        label=_("Tax regime"), choices=TaxRegime.choices, initial=TaxRegime.VAT_INCLUDED
    )
    discount_percent = DecimalField(
        label=_("Discount (−markup), %"),
        max_digits=7,
        decimal_places=2,
        initial=0,
        help_text=_("Positive for a discount from the price type, negative for a markup."),
    )
    max_manual_discount = DecimalField(
        label=_("Largest manual discount, %"), max_digits=7, decimal_places=2, initial=0
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput(), required=False)
    segments = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Segments"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: the agreement applies to every partner."),
    )
    contract_required = forms.BooleanField(label=_("Contract required"), required=False)
    returnable_packaging = forms.BooleanField(
        label=_("Returnable packaging allowed"), required=False
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_LIMIT,
    )

    def __init__(self, *args, price_types, segments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_type"].queryset = price_types
        if segments is None:
            del self.fields["segments"]
        else:
            self.fields["segments"].queryset = segments
        _inputs(self)


class StageForm(forms.Form):
    """One payment stage; a row without a share is left out."""

    basis = forms.ChoiceField(
        label=_("Basis"), choices=PaymentBasis.choices, initial=PaymentBasis.PREPAYMENT
    )
    percent = DecimalField(label=_("Share, %"), max_digits=7, decimal_places=2, required=False)
    days = forms.IntegerField(label=_("Days"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _inputs(self)


StageFormSet = forms.formset_factory(StageForm, extra=2, max_num=12)


class ProposalForm(DocumentHeadForm):
    agreement = forms.ModelChoiceField(
        queryset=None,
        label=_("Agreement"),
        required=False,
        empty_label=_("Choose the partner first"),
        help_text=_("The lines are priced from its price type on the proposal's date."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False)


ProposalLineFormSet = forms.formset_factory(
    ProposalLineForm, formset=LinesBase, extra=1, max_num=200, can_delete=True
)


class SegmentRuleForm(forms.Form):
    """A segment's rule: every condition given must hold. Whether the rule says enough,
    and the limits of its values, are the service's to check (segment_rule_set)."""

    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Any role")), *PartnerRole.choices], required=False
    )
    group = forms.ModelChoiceField(
        queryset=None,
        label=_("Group (with sub-groups)"),
        required=False,
        empty_label=_("Any group"),
    )
    property = forms.ModelChoiceField(
        queryset=None, label=_("Property"), required=False, empty_label=_("No property")
    )
    property_value = forms.CharField(label=_("Property value"), max_length=1000, required=False)
    region = forms.CharField(
        label=_("Region"),
        required=False,
        help_text=_(
            "Partners with this text (any case) in a counterparty's legal address or in an "
            "address of their contact information, e.g. Moscow."
        ),
    )
    abc_class = forms.ChoiceField(
        label=_("ABC class"),
        choices=[("", _("Any class")), *AbcClass.choices],
        required=False,
        help_text=_("By revenue (shipments) over the last twelve months."),
    )

    def __init__(self, *args, groups, properties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["property"].queryset = properties
        _inputs(self)


class ProductGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    parent = forms.ModelChoiceField(
        queryset=None, label=_("Parent group"), required=False, empty_label=_("None: top level")
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = groups
        _inputs(self)
