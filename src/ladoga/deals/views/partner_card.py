"""The partner card's deals tab (an htmx fragment): the partner's latest deals the user may
see, and a link to the whole list filtered by the partner."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from ladoga.accounts.access import get_visible_or_404
from ladoga.partners.models import Partner

from .. import queries

SHOWN = 10


@login_required
def partner_deals(request, partner_id: int):
    partner = get_visible_or_404(Partner, request.user, pk=partner_id)
    found = queries.deals_filter(user=request.user, partner=partner.pk)
    return render(
        request,
        "deals/_partner_deals.html",
        {
            "partner": partner,
            "deals": found[:SHOWN],
            "total": found.count(),
            "all_url": f"{reverse('deals:list')}?partner={partner.pk}",
        },
    )
