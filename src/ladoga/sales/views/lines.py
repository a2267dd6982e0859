"""Lines edited in place on the order and proposal forms (sales.js): the product picker's
search (htmx) and the price a chosen product takes under the form's agreement (JSON),
both through the records the user may see; the saved figures are still the services'."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render

from ladoga.core.dates import today
from ladoga.loyalty.queries import card_lookup
from ladoga.partners.queries import partners_visible_to

from .. import queries


@login_required
def line_product_search(request):
    """The first products whose name or code holds the typed text (`?q=`), as picker
    options."""
    q = request.GET.get("q", "").strip()[:100]
    found = queries.line_products_find(user=request.user, q=q)
    limit = queries.LINE_PRODUCTS_LIMIT
    return render(
        request,
        "sales/_product_results.html",
        {"found": found[:limit], "more": len(found) > limit, "limit": limit, "q": q},
    )


def _id(request, name: str) -> int | None:
    """The id in `?name=` (None when empty); 404 for anything but a number."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)


def _date(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return today()


@login_required
def line_price(request):
    """`?product=&agreement=&partner=&date=&card=`: the agreement's price of the product on
    the date, its VAT rate and the agreement's tax regime. A product, agreement or partner
    the user may not see is 404; a card the user may not see gives no discount."""
    product_id = _id(request, "product")
    if product_id is None:
        raise Http404
    partner_id = _id(request, "partner")
    if (
        partner_id is not None
        and not partners_visible_to(user=request.user).filter(pk=partner_id).exists()
    ):
        raise Http404
    card_number = request.GET.get("card", "").strip()[:64]
    card = card_lookup(card_number, request.user) if card_number else None
    found = queries.line_price(
        user=request.user,
        product_id=product_id,
        agreement_id=_id(request, "agreement"),
        on=_date(request),
        partner_id=partner_id,
        card=card,
    )
    if found is None:
        raise Http404
    return JsonResponse(
        {
            "price": None if found.price is None else str(found.price),
            "vat_rate": str(found.vat_rate),
            "tax_regime": found.tax_regime,
        }
    )
