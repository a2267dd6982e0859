"""The partner card's sales tabs (htmx fragments): the partner's latest orders, agreements
and contracts, proposals, invoices and payments that the user may see, each with a link to
the whole list filtered by the partner where there is such a list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from ladoga.accounts.access import get_visible_or_404
from ladoga.partners.cards import partner_listed
from ladoga.partners.models import Partner

from .. import queries

SHOWN = 10


def listed_for_partner(request, found):
    """A list narrowed to `?partner=<id>` (the card's "whole list" link), and the partner
    to name above it (None without one, or for one the user may not see: the records are
    already those the user may see, so another partner's id hides nothing)."""
    partner_id, partner = partner_listed(request)
    if partner_id is None:
        return found, None
    return found.filter(partner_id=partner_id), partner


def _fragment(request, partner_id: int, template: str, **lists):
    partner = get_visible_or_404(Partner, request.user, pk=partner_id)
    context = {"partner": partner}
    for name, (reader, order_by, list_url) in lists.items():
        found = reader(user=request.user).filter(partner=partner).order_by(*order_by)
        context[name] = found[:SHOWN]
        context[f"{name}_total"] = found.count()
        context[f"{name}_url"] = f"{reverse(list_url)}?partner={partner.pk}" if list_url else ""
    return render(request, template, context)


@login_required
def partner_orders(request, partner_id: int):
    return _fragment(
        request,
        partner_id,
        "sales/_partner_orders.html",
        orders=(queries.orders_visible_to, ("-date", "-id"), "sales:orders"),
    )


@login_required
def partner_agreements(request, partner_id: int):
    return _fragment(
        request,
        partner_id,
        "sales/_partner_agreements.html",
        agreements=(queries.agreements_visible_to, ("-valid_from", "-id"), "sales:agreements"),
        contracts=(queries.contracts_visible_to, ("-date", "-id"), None),
    )


@login_required
def partner_proposals(request, partner_id: int):
    return _fragment(
        request,
        partner_id,
        "sales/_partner_proposals.html",
        proposals=(queries.proposals_visible_to, ("-date", "-id"), "sales:proposals"),
    )


@login_required
def partner_invoices(request, partner_id: int):
    return _fragment(
        request,
        partner_id,
        "sales/_partner_invoices.html",
        invoices=(queries.invoices_visible_to, ("-date", "-id"), None),
        payments=(queries.payments_visible_to, ("-date", "-id"), None),
    )
