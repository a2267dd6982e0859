"""The agreement select of the order and proposal forms offers the agreements that apply to
the chosen partner only — the agreed and active typical ones of no segment or of one of
its segments, and its own individual ones, never a closed one — not every agreement
there is (with an individual agreement per partner that would be 100,000 options). The
partner-dependent fragment fills it when a partner is picked; an edit form renders its
document's partner's at once and keeps the document's own agreement."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ladoga.partners.services import partner_create, segment_create
from ladoga.sales import queries, services
from ladoga.sales.models import AgreementStatus, CustomerOrder, Proposal
from ladoga.sales.services import LineIn

from .conftest import DAY, make_active, refused
from .test_order_form import order_data, page, select_options

ORDER_OPTIONS = "sales:order_partner_options"
PROPOSAL_OPTIONS = "sales:proposal_partner_options"


def closed(agreement):
    return services.agreement_transition(agreement=agreement, status=AgreementStatus.CLOSED)


@pytest.fixture
def neighbour(owner):
    """Another partner of the same manager: its agreements are visible to the user, so
    only the rule keeps them out of the partner's select."""
    return partner_create(name="Neighbour", manager=owner)


@pytest.fixture
def around(base_price_type, products, agreement, partner, neighbour, segment):
    """Agreements in every status and reach around `partner` (a member of Wholesale, not
    of Retail), by name; `agreement` is the active typical one of no segment."""
    retail = segment_create(name="Retail")
    partner.segments.add(segment)

    def typical(name, segments=()):
        return services.agreement_create(
            name=name,
            price_type=base_price_type,
            valid_from=datetime.date(2026, 1, 1),
            segments=segments,
        )

    made = {
        "standard": agreement,
        "wholesale": make_active(typical("Wholesale terms", [segment])),
        "retail": make_active(typical("Retail terms", [retail])),
        "agreed": services.agreement_transition(
            agreement=typical("Agreed terms"), status=AgreementStatus.AGREED
        ),
        "draft": typical("Draft terms"),
        "closed": closed(make_active(typical("Closed terms"))),
    }

    def individual(typical_one, partner_):
        return services.agreement_individual_create(typical=typical_one, partner=partner_)

    made["own_active"] = make_active(individual(agreement, partner))
    made["own_draft"] = individual(made["wholesale"], partner)
    made["own_closed"] = closed(individual(made["retail"], partner))
    made["neighbours"] = make_active(individual(agreement, neighbour))
    return made


def expected(around, *keys) -> list[str]:
    return [str(around[key]) for key in keys]


# The partner's own individual agreements first, then the typical ones, by name.
OFFERED = ("own_active", "own_draft", "agreed", "standard", "wholesale")


def test_the_order_fragment_offers_exactly_the_agreements_that_apply(
    browser_as, partner, counterparty, around
):
    response = browser_as("owner").get(reverse(ORDER_OPTIONS), {"partner": partner.pk})
    assert response.status_code == 200
    html = page(response)
    assert select_options(html, "agreement") == expected(around, *OFFERED)
    # A typical agreement of a segment the partner is not in, another partner's own, and
    # drafts and closed ones of the catalogue are not offered.
    for absent in ("retail", "neighbours", "draft", "closed", "own_closed"):
        assert str(around[absent]) not in html
    # Counterparties and contracts still come with it, in the same fragment.
    assert select_options(html, "counterparty") == ["IP Petrov"]
    assert 'hx-trigger="change from:#id_partner"' in html


def test_the_fragment_follows_the_picked_partner(browser_as, neighbour, around):
    html = page(browser_as("owner").get(reverse(ORDER_OPTIONS), {"partner": neighbour.pk}))
    # Not in Wholesale: the segment's agreement is not the neighbour's to use.
    assert select_options(html, "agreement") == expected(around, "neighbours", "agreed", "standard")


def test_a_segment_the_partner_joins_brings_its_agreements(browser_as, neighbour, around, segment):
    neighbour.segments.add(segment)
    html = page(browser_as("owner").get(reverse(ORDER_OPTIONS), {"partner": neighbour.pk}))
    assert str(around["wholesale"]) in select_options(html, "agreement")


def test_without_a_partner_no_agreement_is_offered(browser_as, around):
    html = page(browser_as("owner").get(reverse(ORDER_OPTIONS)))
    assert select_options(html, "agreement") == []
    html = page(browser_as("owner").get(reverse("sales:order_create")))
    assert select_options(html, "agreement") == []
    assert str(around["standard"]) not in html
    assert (
        select_options(page(browser_as("owner").get(reverse("sales:proposal_create"))), "agreement")
        == []
    )


def test_other_partners_agreements_do_not_add_queries(owner, partner, neighbour, around):
    def offered() -> tuple[list[int], int]:
        with CaptureQueriesContext(connection) as captured:
            found = list(queries.agreements_offered(partner=partner, user=owner))
        return [a.pk for a in found], len(captured)

    before, count = offered()
    for number in range(5):
        other = partner_create(name=f"Client {number}", manager=owner)
        services.agreement_individual_create(typical=around["standard"], partner=other)
    after, count_after = offered()
    assert after == before
    assert count_after == count <= 4


def test_an_order_edit_form_offers_its_partners_agreements_and_keeps_its_own(
    browser_as, order, around
):
    closed(around["standard"])  # the order's agreement, closed since
    html = page(browser_as("owner").get(reverse("sales:order_edit", args=[order.pk])))
    labels = select_options(html, "agreement")
    assert labels == expected(around, "own_active", "own_draft", "agreed", "standard", "wholesale")
    assert re.search(rf'<option value="{order.agreement_id}" selected>', html)
    assert str(around["neighbours"]) not in html and str(around["retail"]) not in html
    # Rendered at once: no picker, so no fragment to fetch.
    assert "hx-get" not in re.search(r'<div class="field-row" id="partner-options"[^>]*>', html)[0]


def test_an_order_edit_form_saves_with_its_closed_agreement(browser_as, order, around, products):
    closed(around["standard"])
    data = order_data(order.partner, order.counterparty, products, agreement=order.agreement_id)
    data["version"] = order.version
    del data["partner"]
    response = browser_as("owner").post(reverse("sales:order_edit", args=[order.pk]), data)
    assert response.status_code == 302
    assert CustomerOrder.objects.get(pk=order.pk).agreement_id == around["standard"].pk


def test_a_refused_order_form_offers_the_posted_partners_agreements(
    browser_as, partner, counterparty, around, products
):
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, counterparty, products, **{"lines-0-quantity": "-1"}),
        follow=True,
    )
    assert refused(response)
    assert select_options(page(response), "agreement") == expected(around, *OFFERED)
    assert not CustomerOrder.objects.exists()


def test_a_new_order_saves_the_picked_agreement(
    browser_as, partner, counterparty, around, products
):
    own = around["own_active"]
    response = browser_as("owner").post(
        reverse("sales:order_create"),
        order_data(partner, counterparty, products, agreement=own.pk),
    )
    assert response.status_code == 302
    assert CustomerOrder.objects.get().agreement == own


# The proposal form


def test_the_proposal_fragment_offers_exactly_the_agreements_that_apply(
    browser_as, partner, around
):
    response = browser_as("owner").get(reverse(PROPOSAL_OPTIONS), {"partner": partner.pk})
    assert response.status_code == 200
    html = page(response)
    assert select_options(html, "agreement") == expected(around, *OFFERED)
    assert str(around["retail"]) not in html and str(around["neighbours"]) not in html
    # A proposal has no counterparty or contract to choose.
    assert '<select name="counterparty"' not in html and '<select name="contract"' not in html
    assert f'hx-get="{reverse(PROPOSAL_OPTIONS)}"' in html
    assert not re.search(r"<script|\son[a-z]+=", html)


def test_the_proposal_fragment_of_a_partner_the_user_cannot_see_is_404(
    browser_as, client, partner, around
):
    assert (
        browser_as("outsider").get(reverse(PROPOSAL_OPTIONS), {"partner": partner.pk}).status_code
        == 404
    )
    assert browser_as("owner").get(reverse(PROPOSAL_OPTIONS), {"partner": "x"}).status_code == 404
    assert client.get(reverse(PROPOSAL_OPTIONS), {"partner": partner.pk}).status_code == 302


def test_the_new_proposal_form_asks_for_the_picked_partners_agreements(browser_as, around):
    html = page(browser_as("owner").get(reverse("sales:proposal_create")))
    assert f'hx-get="{reverse(PROPOSAL_OPTIONS)}"' in html
    assert 'hx-include="#id_partner"' in html
    assert "Choose the partner first" in html


def test_a_proposal_edit_form_offers_its_partners_agreements(browser_as, partner, around, products):
    proposal = services.proposal_create(
        partner=partner,
        agreement=around["own_active"],
        date=DAY,
        lines=[LineIn(product=products["P-2"], quantity=D("4"))],
    )
    html = page(browser_as("owner").get(reverse("sales:proposal_edit", args=[proposal.pk])))
    assert select_options(html, "agreement") == expected(around, *OFFERED)
    assert re.search(rf'<option value="{around["own_active"].pk}" selected>', html)
    assert "hx-get" not in re.search(r'<div class="field-row" id="partner-options"[^>]*>', html)[0]
    assert Proposal.objects.get().agreement == around["own_active"]
