"""The partner picker's search (htmx): the partners the user may see whose name, INN or
e-mail matches, a short list instead of a select of every partner."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ladoga.partners.queries import partners_filter, partners_visible_to

PARTNER_SEARCH_LIMIT = 20
PARTNER_SEARCH_MIN = 2


@login_required
def partner_search(request):
    q = request.GET.get("q", "").strip()[:100]
    found = []
    if len(q) >= PARTNER_SEARCH_MIN:
        matching = partners_filter(
            partners_visible_to(user=request.user), q=q, status="active"
        ).order_by("name", "id")
        found = list(matching[: PARTNER_SEARCH_LIMIT + 1])
    return render(
        request,
        "sales/_partner_results.html",
        {
            "found": found[:PARTNER_SEARCH_LIMIT],
            "more": len(found) > PARTNER_SEARCH_LIMIT,
            "limit": PARTNER_SEARCH_LIMIT,
            "q": q,
        },
    )
