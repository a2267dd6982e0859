"""Catalogue pages: a product's card with its prices, the product and price-type forms.
Who may change the catalogue is the services' decision (`sales.manage_catalogue`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts.access import get_visible_or_404
from ladoga.web.prg import form_keep, form_restore

from .. import pricing, queries, services
from ..forms import PriceForm, PriceTypeForm, ProductForm, ProductGroupForm
from ..models import PriceType, Product
from ..services._common import CATALOGUE
from ._common import command_run, form_submit, page_of

PRODUCT_FIELDS = ("code", "name", "unit", "vat_rate", "group", "description")


def _product(request, product_id: int) -> Product:
    return get_visible_or_404(
        queries.products_visible_to(user=request.user), request.user, pk=product_id
    )


def _price_form(request, data=None) -> PriceForm:
    """Prices are set in the types that hold their own (derived ones take their base's)."""
    price_types = queries.price_types_visible_to(user=request.user).filter(
        base__isnull=True, is_archived=False
    )
    return PriceForm(
        data, price_types=price_types, initial={"effective_from": timezone.localdate()}
    )


def _product_context(request, product: Product, **extra) -> dict:
    today = timezone.localdate()
    price_types = list(queries.price_types_visible_to(user=request.user).filter(is_archived=False))
    current = [
        (pt, pricing.prices_on(price_type=pt, product_ids=[product.pk], on=today)[product.pk])
        for pt in price_types
    ]
    history = (
        queries.prices_visible_to(user=request.user)
        .filter(product=product)
        .select_related("created_by")
        .order_by("-effective_from", "price_type__name", "-id")
    )
    may_change = request.user.has_perm(CATALOGUE)
    context = {
        "product": product,
        "today": today,
        "current": current,
        "page": page_of(request, history),
        "may_change": may_change,
    }
    if may_change:
        context["price_form"] = _price_form(request)
    return {**context, **extra}


@login_required
def product_detail(request, product_id: int):
    product = _product(request, product_id)
    kept = form_restore(
        request, f"product-price:{product.pk}", lambda data: _price_form(request, data)
    )
    extra = {"price_form": kept} if kept is not None else {}
    return render(request, "sales/product_detail.html", _product_context(request, product, **extra))


@login_required
def product_form(request, product_id: int | None = None):
    """A new product, or a product's code, name, unit, VAT rate, group and description."""
    product = _product(request, product_id) if product_id else None
    initial = {"vat_rate": 20, "unit": "pcs"}
    if product is not None:
        initial = {f: getattr(product, f) for f in PRODUCT_FIELDS} | {"version": product.version}
    form = ProductForm(
        request.POST or None,
        initial=initial,
        groups=queries.product_groups_visible_to(user=request.user),
    )

    def save(data: dict) -> Product:
        fields = {f: data[f] for f in PRODUCT_FIELDS}
        if product is None:
            return services.product_create(**fields, by=request.user)
        return services.product_update(
            product=product, expected_version=data["version"], by=request.user, **fields
        )

    submitted = form_submit(request, form, save)
    if submitted.saved is not None:
        messages.success(request, _("Product %(code)s is saved.") % {"code": submitted.saved.code})
        return redirect("sales:product_detail", submitted.saved.pk)
    return render(
        request,
        "sales/product_form.html",
        {"form": form, "product": product, "may_change": request.user.has_perm(CATALOGUE)},
        status=submitted.status,
    )


@login_required
def product_archive(request, product_id: int):
    """GET asks for confirmation; POST archives the product."""
    product = _product(request, product_id)
    if request.method != "POST":
        return render(request, "sales/product_archive.html", {"product": product})
    return _archived_set(request, product, True)


@login_required
@require_POST
def product_restore(request, product_id: int):
    return _archived_set(request, _product(request, product_id), False)


def _archived_set(request, product: Product, archived: bool):
    version = request.POST.get("version", "")
    done = (
        _("Product %(code)s is archived: new orders cannot be posted with it.")
        if archived
        else _("Product %(code)s is on sale again.")
    )
    command_run(
        request,
        lambda: services.product_update(
            product=product,
            expected_version=int(version) if version.isdigit() else None,
            by=request.user,
            is_archived=archived,
        ),
        lambda _saved: done % {"code": product.code},
    )
    return redirect("sales:product_detail", product.pk)


@login_required
@require_POST
def product_price_set(request, product_id: int):
    product = _product(request, product_id)
    form = _price_form(request, request.POST)
    submitted = form_submit(
        request,
        form,
        lambda data: services.price_set(
            product=product,
            price_type=data["price_type"],
            effective_from=data["effective_from"],
            amount=data["amount"],
            by=request.user,
        ),
    )
    if submitted.saved is not None:
        data = form.cleaned_data
        messages.success(
            request,
            _("The price in %(type)s from %(day)s is %(amount)s.")
            % {
                "type": data["price_type"].name,
                "day": formats.date_format(data["effective_from"], "SHORT_DATE_FORMAT"),
                "amount": data["amount"],
            },
        )
        return redirect("sales:product_detail", product.pk)
    if submitted.status == 403:  # the role may not: said above the page, no form to keep
        for error in form.non_field_errors():
            messages.error(request, error)
    else:
        form_keep(request, f"product-price:{product.pk}", form)
    return redirect("sales:product_detail", product.pk)


@login_required
def price_type_form(request, price_type_id: int | None = None):
    """A new price type, or a price type's name, base, percentage and archive mark."""
    visible_types = queries.price_types_visible_to(user=request.user)
    price_type = (
        get_visible_or_404(visible_types, request.user, pk=price_type_id) if price_type_id else None
    )
    bases = visible_types.filter(is_archived=False)
    initial = {"currency": "RUB", "percent": 0}
    if price_type is not None:
        # Any other type may be offered as the base: the service refuses a cycle.
        bases = visible_types.exclude(pk=price_type.pk).filter(
            Q(is_archived=False) | Q(pk=price_type.base_id)
        )
        initial = {
            "version": price_type.version,
            "name": price_type.name,
            "base": price_type.base,
            "percent": price_type.percent,
            "is_archived": price_type.is_archived,
        }
    form = PriceTypeForm(
        request.POST or None,
        initial=initial,
        price_types=bases.order_by("name"),
        editing=price_type is not None,
    )

    def save(data: dict) -> PriceType:
        data = dict(data)
        if price_type is None:
            return services.price_type_create(
                name=data["name"],
                currency=data["currency"],
                base=data["base"],
                percent=data["percent"],
                by=request.user,
            )
        version = data.pop("version")
        return services.price_type_update(
            price_type=price_type, expected_version=version, by=request.user, **data
        )

    submitted = form_submit(request, form, save)
    if submitted.saved is not None:
        messages.success(
            request, _("Price type %(name)s is saved.") % {"name": submitted.saved.name}
        )
        return redirect("sales:price_types")
    return render(
        request,
        "sales/price_type_form.html",
        {"form": form, "price_type": price_type, "may_change": request.user.has_perm(CATALOGUE)},
        status=submitted.status,
    )


@login_required
def product_groups_page(request):
    """The product groups with the number of products in each, and the form of a new one."""
    groups = queries.product_groups_visible_to(user=request.user)
    form = ProductGroupForm(
        request.POST if request.method == "POST" else None, groups=groups.order_by("name", "id")
    )
    submitted = form_submit(
        request,
        form,
        lambda data: services.product_group_create(
            name=data["name"], parent=data["parent"], by=request.user
        ),
    )
    if submitted.saved is not None:
        messages.success(
            request, _("Product group %(name)s is added.") % {"name": submitted.saved.name}
        )
        return redirect("sales:product_groups")
    listed = groups.select_related("parent").annotate(product_count=Count("products"))
    return render(
        request,
        "sales/product_groups.html",
        {
            "groups": listed.order_by("name", "id"),
            "form": form,
            "may_change": request.user.has_perm(CATALOGUE),
        },
        status=submitted.status,
    )
