"""The partner card's claims tab (an htmx fragment): the partner's latest claims the user
may see, and a link to the whole list filtered by the partner."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from ladoga.accounts.access import get_visible_or_404
from ladoga.partners.models import Partner

from . import queries

SHOWN = 10


@login_required
def partner_claims(request, partner_id: int):
    partner = get_visible_or_404(Partner, request.user, pk=partner_id)
    found = (
        queries.claims_visible_to(user=request.user)
        .filter(partner=partner)
        .order_by("-date", "-id")
    )
    return render(
        request,
        "claims/_partner_claims.html",
        {
            "partner": partner,
            "claims": found[:SHOWN],
            "total": found.count(),
            "all_url": f"{reverse('claims:list')}?partner={partner.pk}",
        },
    )
