"""Catalogue commands (S1): product groups, products, price types, prices."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation

from .. import rules
from ..errors import SalesCode as C
from ..models import Price, PriceType, Product, ProductGroup
from ._common import (
    CATALOGUE,
    clean,
    decimal_of,
    locked_checked,
    percent_check,
    permission_check,
    stamp,
    unknown_changes_check,
)


def _name_taken(queryset, name: str) -> bool:
    """Whether `queryset` has a record named `name`, ignoring case in any alphabet.
    Compared in Python: SQLite's case folding knows Latin letters only, and the siblings
    of one group are few."""
    wanted = name.casefold()
    return any(v.casefold() == wanted for v in queryset.values_list("name", flat=True))


@transaction.atomic
def product_group_create(*, name: str, parent: ProductGroup | None = None, by=None) -> ProductGroup:
    """Add a product group (under `parent`, or at the top). Its name is unique among its
    sibling groups, case ignored in any alphabet ("Цемент" and "ЦЕМЕНТ" are one)."""
    permission_check(by, CATALOGUE)
    name = clean(name)
    if not name:
        raise ValidationFailed.single(C.PRODUCT_NAME_REQUIRED, _("A group needs a name."), "name")
    if _name_taken(ProductGroup.objects.filter(parent=parent), name):
        raise Conflict.single(C.PRODUCT_GROUP_NAME_TAKEN, _("This group already exists."), "name")
    return ProductGroup.objects.create(name=name, parent=parent, created_by=by)


def _product_check(code: str, name: str, vat_rate, exclude: int | None = None) -> list[Violation]:
    violations = []
    if not code:
        violations.append(Violation(C.PRODUCT_CODE_REQUIRED, _("A product needs a code."), "code"))
    if not name:
        violations.append(Violation(C.PRODUCT_NAME_REQUIRED, _("A product needs a name."), "name"))
    rate = decimal_of(vat_rate)
    if rate is None or not (0 <= rate < 100):
        violations.append(
            Violation(C.VAT_RATE_INVALID, _("A VAT rate is from 0 to 99 %."), "vat_rate")
        )
    return violations


def _code_free_check(code: str, exclude: int | None = None) -> None:
    taken = Product.objects.filter(code__iexact=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict.single(
            C.PRODUCT_CODE_TAKEN,
            _("Product code %(code)s is taken.") % {"code": code},
            "code",
        )


@transaction.atomic
def product_create(
    *,
    code: str,
    name: str,
    unit: str = "pcs",
    vat_rate: Decimal = Decimal("20"),
    group: ProductGroup | None = None,
    description: str = "",
    by=None,
) -> Product:
    """Add a product to the catalogue; its code is unique (case ignored)."""
    permission_check(by, CATALOGUE)
    code, name = clean(code), clean(name)
    violations = _product_check(code, name, vat_rate)
    if violations:
        raise ValidationFailed(violations)
    _code_free_check(code)
    return Product.objects.create(
        code=code,
        name=name,
        unit=clean(unit) or "pcs",
        vat_rate=Decimal(str(vat_rate)),
        group=group,
        description=description or "",
        created_by=by,
    )


PRODUCT_CHANGEABLE = {"code", "name", "unit", "vat_rate", "group", "description", "is_archived"}


@transaction.atomic
def product_update(
    *, product: Product, expected_version: int | None, by=None, **changes
) -> Product:
    """Change a product, or archive it (`is_archived`): archived products stay on old
    documents but block the posting of new orders."""
    permission_check(by, CATALOGUE)
    unknown_changes_check(changes, PRODUCT_CHANGEABLE)
    product = locked_checked(Product, product, expected_version)
    for key in ("code", "name", "unit"):
        if key in changes:
            changes[key] = clean(changes[key])
    merged = {f: changes.get(f, getattr(product, f)) for f in ("code", "name", "vat_rate")}
    violations = _product_check(merged["code"], merged["name"], merged["vat_rate"])
    if violations:
        raise ValidationFailed(violations)
    if "code" in changes:
        _code_free_check(changes["code"], exclude=product.pk)
    for key, value in changes.items():
        setattr(product, key, Decimal(str(value)) if key == "vat_rate" else value)
    stamp(product, by).save()
    return product


def _price_type_check(name: str, percent) -> list[Violation]:
    violations = []
    if not name:
        violations.append(
            Violation(C.PRICE_TYPE_NAME_REQUIRED, _("A price type needs a name."), "name")
        )
    violations += percent_check(percent, "percent", low=Decimal("-99"), high=Decimal("1000"))
    return violations


def _cycle_check(price_type_id: int | None, base: PriceType | None) -> None:
    if base is None:
        return
    bases = dict(PriceType.objects.values_list("id", "base_id"))
    if price_type_id is None:
        price_type_id = -1
    if rules.chain_has_cycle(bases, price_type_id, base.pk):
        raise ValidationFailed.single(
            C.PRICE_TYPE_CYCLE,
            _("A price type cannot be derived from itself, directly or through others."),
            "base_id",
        )


@transaction.atomic
def price_type_create(
    *,
    name: str,
    currency: str = "RUB",
    base: PriceType | None = None,
    percent: Decimal = Decimal("0"),
    by=None,
) -> PriceType:
    """Add a price type; with `base`, its prices are the base's changed by `percent`."""
    permission_check(by, CATALOGUE)
    name = clean(name)
    violations = _price_type_check(name, percent)
    if violations:
        raise ValidationFailed(violations)
    if PriceType.objects.filter(name__iexact=name).exists():
        raise Conflict.single(
            C.PRICE_TYPE_NAME_TAKEN, _("Price type %(name)s exists.") % {"name": name}, "name"
        )
    return PriceType.objects.create(
        name=name,
        currency=(clean(currency) or "RUB").upper()[:3],
        base=base,
        percent=Decimal(str(percent)),
        created_by=by,
    )


PRICE_TYPE_CHANGEABLE = {"name", "base", "percent", "is_archived"}


@transaction.atomic
def price_type_update(
    *, price_type: PriceType, expected_version: int | None, by=None, **changes
) -> PriceType:
    """Change a price type. Refuses a base that would derive the type from itself."""
    permission_check(by, CATALOGUE)
    unknown_changes_check(changes, PRICE_TYPE_CHANGEABLE)
    price_type = locked_checked(PriceType, price_type, expected_version)
    if "name" in changes:
        changes["name"] = clean(changes["name"])
    violations = _price_type_check(
        changes.get("name", price_type.name), changes.get("percent", price_type.percent)
    )
    if violations:
        raise ValidationFailed(violations)
    if "base" in changes:
        _cycle_check(price_type.pk, changes["base"])
        if changes["base"] is not None and price_type.prices.exists():
            raise ValidationFailed.single(
                C.PRICE_TYPE_DERIVED,
                _("This price type has prices of its own; it cannot become a derived one."),
                "base_id",
            )
    if "name" in changes and (
        PriceType.objects.filter(name__iexact=changes["name"]).exclude(pk=price_type.pk).exists()
    ):
        raise Conflict.single(C.PRICE_TYPE_NAME_TAKEN, _("This name is taken."), "name")
    for key, value in changes.items():
        setattr(price_type, key, Decimal(str(value)) if key == "percent" else value)
    stamp(price_type, by).save()
    return price_type


@transaction.atomic
def price_set(
    *,
    product: Product,
    price_type: PriceType,
    effective_from: datetime.date,
    amount: Decimal,
    by=None,
) -> Price:
    """Set the price of a product in a price type from a date on (replacing a price set
    for the same date). Derived price types take their prices from their base."""
    permission_check(by, CATALOGUE)
    number = decimal_of(amount)
    if number is None or number < 0:
        raise ValidationFailed.single(C.PRICE_NEGATIVE, _("A price cannot be negative."), "amount")
    if price_type.is_derived:
        raise ValidationFailed.single(
            C.PRICE_TYPE_DERIVED,
            _("Price type %(name)s is derived from %(base)s; set the base's prices.")
            % {"name": price_type.name, "base": price_type.base},
            "price_type_id",
        )
    price = (
        Price.objects.select_for_update()
        .filter(product=product, price_type=price_type, effective_from=effective_from)
        .first()
    )
    if price is None:
        return Price.objects.create(
            product=product,
            price_type=price_type,
            effective_from=effective_from,
            amount=number,
            created_by=by,
        )
    price.amount = number
    stamp(price, by).save()
    return price
