"""The client's whole picture on the partner card (issue 14, point 1): tabs for interactions,
deals, orders, agreements and contracts, proposals, claims, invoices and payments, each
titled with the count of the partner's records the viewer may see (COUNT queries, a fixed
number for the whole card), loaded as htmx fragments linking to the full list filtered by
the partner; "new …" buttons that open the create pages with the partner filled in, where
a partner the user may not see is a 404."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ladoga.deals import services as deals
from ladoga.deals.models import Deal
from ladoga.interactions.models import Interaction
from ladoga.partners.models import Partner
from ladoga.sales.models import CustomerOrder, Invoice, Payment, Proposal

from .card_data import *  # noqa: F403 (the fixtures)

TAB_KEYS = ("interactions", "deals", "orders", "agreements", "proposals", "invoices", "claims")


def tab_counts(html: str) -> dict[str, int]:
    return {
        key: int(count)
        for key, count in re.findall(r'data-testid="tab-count-([\w-]+)">(\d+)<', html)
    }


def test_every_tab_counts_the_records_the_viewer_may_see(browser_as, picture):
    response = browser_as("owner").get(f"/partners/{picture.pk}/")

    assert response.status_code == 200
    assert tab_counts(response.content.decode()) == {
        "interactions": 2,
        "deals": 2,  # not the colleague's deal: access hides it from the owner
        "orders": 1,
        "agreements": 2,  # the individual agreement and the contract
        "proposals": 1,
        "invoices": 2,  # the invoice and its payment
        "claims": 1,
    }


def test_a_head_counts_the_whole_department(browser_as, picture):
    """The head sees the colleague's deal too; the counts follow access, not the card."""
    counts = tab_counts(browser_as("head").get(f"/partners/{picture.pk}/").content.decode())

    assert counts["deals"] == 3
    assert counts["claims"] == 1


def test_the_card_costs_the_same_queries_however_many_records(
    browser_as, picture, strict_kind, owner
):
    client = browser_as("owner")
    client.get(f"/partners/{picture.pk}/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(f"/partners/{picture.pk}/")
    for number in range(5):
        deals.deal_create(name=f"More {number}", partner=picture, kind=strict_kind, by=owner)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/partners/{picture.pk}/")

    assert tab_counts(response.content.decode())["deals"] == 7
    assert len(many.captured_queries) == len(few.captured_queries)
    counts = [q["sql"] for q in many.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) >= len(TAB_KEYS)


@pytest.mark.parametrize(
    ("tab", "shown", "list_url"),
    [
        ("deals", ["Cement for the warehouse", "Sand for the yard"], "/deals/?partner={pk}"),
        ("orders", ["order"], "/sales/?partner={pk}"),
        ("agreements", ["Standard terms", "C-1"], "/sales/agreements/?partner={pk}"),
        ("proposals", ["proposal"], "/sales/proposals/?partner={pk}"),
        ("claims", ["The goods came broken"], "/claims/?partner={pk}"),
        ("invoices", ["invoice", "payment"], None),
    ],
)
def test_each_tab_loads_its_records_as_a_fragment(browser_as, picture, tab, shown, list_url):
    client = browser_as("owner")
    card = client.get(f"/partners/{picture.pk}/?tab={tab}").content.decode()
    (url,) = re.findall(r'hx-get="([^"]+)" hx-trigger="load"', card)

    fragment = client.get(url).content.decode()

    assert "<html" not in fragment
    numbers = {
        "order": lambda: CustomerOrder.objects.get(partner=picture).number,
        "proposal": lambda: Proposal.objects.get(partner=picture).number,
        "invoice": lambda: Invoice.objects.get(partner=picture).number,
        "payment": lambda: Payment.objects.get(partner=picture).number,
    }
    for text in shown:
        assert (numbers[text]() if text in numbers else text) in fragment
    assert "Colleague's deal" not in fragment and "Not ours" not in fragment
    if list_url:
        assert list_url.format(pk=picture.pk) in fragment


def test_a_tab_of_a_partner_the_user_may_not_see_is_404(browser_as, hidden_partner):
    client = browser_as("owner")
    for url in (
        f"/deals/partner/{hidden_partner.pk}/",
        f"/sales/partner/{hidden_partner.pk}/orders/",
        f"/sales/partner/{hidden_partner.pk}/agreements/",
        f"/sales/partner/{hidden_partner.pk}/proposals/",
        f"/sales/partner/{hidden_partner.pk}/invoices/",
        f"/claims/partner/{hidden_partner.pk}/",
        f"/interactions/partner/{hidden_partner.pk}/timeline/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_full_lists_filter_by_the_partner(browser_as, picture, hidden_partner, admin_user):
    client = browser_as("admin")
    for url, ours, theirs in (
        ("/deals/", "Cement for the warehouse", "Not ours"),
        ("/claims/", "The goods came broken", "Not ours either"),
        ("/sales/", "Stroymontazh", "Elsewhere Ltd"),
    ):
        page = client.get(f"{url}?partner={picture.pk}").content.decode()
        assert ours in page, url
        assert theirs not in page, url
    orders = client.get(f"/sales/?partner={picture.pk}").content.decode()
    assert 'data-testid="listed-partner"' in orders


def test_the_card_offers_new_records_with_the_partner(browser_as, picture):
    card = browser_as("owner").get(f"/partners/{picture.pk}/").content.decode()

    for testid, url in (
        ("deal", "/deals/new/"),
        ("interaction-call", "/interactions/new/call/"),
        ("interaction-meeting", "/interactions/new/meeting/"),
        ("order", "/sales/orders/new/"),
        ("claim", "/claims/new/"),
    ):
        assert re.search(
            rf'href="{re.escape(url)}\?partner={picture.pk}" data-testid="partner-new-{testid}"',
            card,
        ), testid


def test_the_buttons_follow_the_users_permissions(picture, actors):
    """The buttons follow the user's permissions: a claims officer registers claims but
    opens no deals."""
    from ladoga.partners.cards import partner_card_actions

    keys = {action.key for action, _url in partner_card_actions(picture, actors["claims"])}
    assert "claim" in keys
    assert "deal" not in keys and "order" not in keys


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/deals/new/", 'name="partner"'),
        ("/sales/orders/new/", 'data-testid="partner-picked">Stroymontazh<'),
        ("/claims/new/", 'name="partner"'),
        ("/interactions/new/call/", 'data-testid="form-partner"'),
        ("/interactions/new/meeting/", 'data-testid="form-partner"'),
    ],
)
def test_new_record_forms_come_with_the_partner_filled_in(browser_as, picture, url, marker):
    page = browser_as("owner").get(f"{url}?partner={picture.pk}").content.decode()

    assert marker in page
    if url.startswith(("/deals", "/claims")):
        assert re.search(rf'<option value="{picture.pk}" selected>Stroymontazh</option>', page)
    if url.startswith("/interactions"):
        assert f'name="subject_id" value="{picture.pk}"' in page
        assert 'name="subject_type" value="partners.partner"' in page


@pytest.mark.parametrize(
    "url", ["/deals/new/", "/sales/orders/new/", "/claims/new/", "/interactions/new/call/"]
)
@pytest.mark.parametrize("which", ["hidden", "missing", "not-a-number"])
def test_a_partner_the_user_may_not_see_is_404_not_a_blank_form(
    browser_as, hidden_partner, url, which
):
    partner_id = {"hidden": hidden_partner.pk, "missing": 999999, "not-a-number": "abc"}[which]
    before = (Deal.objects.count(), CustomerOrder.objects.count(), Interaction.objects.count())

    response = browser_as("owner").get(f"{url}?partner={partner_id}")

    assert response.status_code == 404
    assert b"Elsewhere Ltd" not in response.content
    after = (Deal.objects.count(), CustomerOrder.objects.count(), Interaction.objects.count())
    assert after == before


def test_a_call_saved_from_the_card_is_the_partners(browser_as, picture):
    client = browser_as("owner")
    form = client.get(f"/interactions/new/call/?partner={picture.pk}").content.decode()
    assert 'name="subject_id"' in form

    response = client.post(
        f"/interactions/new/call/?partner={picture.pk}",
        {
            "subject_type": "partners.partner",
            "subject_id": picture.pk,
            "title": "Called about cement",
            "start": "2026-03-02T10:00",
            "direction": "outgoing",
            "responsible": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    made = Interaction.objects.get(title="Called about cement")
    assert made.partner_id == picture.pk
    assert Partner.objects.filter(pk=picture.pk).exists()
