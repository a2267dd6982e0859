"""Related records are links wherever a page names them (issue 14, point 1): the client of
a deal, an order, a proposal and a claim; a claim's order and deal; an interaction's
partner and contact person; a task's partner and deal — on the cards and in the lists.
The `partner_link`/`contact_link` tags render "—" when there is no record."""

import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from ladoga.claims.services import claim_create
from ladoga.deals.models import Deal
from ladoga.interactions.services import interaction_create
from ladoga.partners.services import contact_create
from ladoga.sales.models import CustomerOrder, Proposal

from .card_data import *  # noqa: F403 (the fixtures)


def partner_href(picture) -> str:
    return f'<a href="/partners/{picture.pk}/" data-testid="partner-link">Stroymontazh</a>'


@pytest.fixture
def linked(picture, owner):
    """A contact person of the client, an interaction with them, a claim naming the
    client's order and deal."""
    contact = contact_create(partner=picture, last_name="Petrov", first_name="Ivan", by=owner)
    call = interaction_create(
        kind="call",
        title="About the delivery",
        by=owner,
        start=timezone.now(),
        subject_type="partners.partner",
        subject_id=picture.pk,
        participants=[{"name": "Ivan", "contact_id": contact.pk}],
        responsible=owner,
        reviewed=False,
    )
    order = CustomerOrder.objects.get(partner=picture)
    deal = Deal.objects.filter(partner=picture, manager=owner).order_by("pk").first()
    claim = claim_create(
        partner=picture, essence="Short delivery", order=order, deal=deal, by=owner
    )
    return {"contact": contact, "call": call, "order": order, "deal": deal, "claim": claim}


def test_the_cards_link_the_client(browser_as, picture, linked):
    client = browser_as("owner")
    proposal = Proposal.objects.get(partner=picture)
    for url in (
        f"/deals/{linked['deal'].pk}/",
        f"/sales/orders/{linked['order'].pk}/",
        f"/sales/proposals/{proposal.pk}/",
        f"/claims/{linked['claim'].pk}/",
        f"/interactions/{linked['call'].pk}/",
    ):
        page = client.get(url).content.decode()
        assert partner_href(picture) in page, url


def test_a_claim_links_its_order_and_deal(browser_as, linked):
    page = browser_as("owner").get(f"/claims/{linked['claim'].pk}/").content.decode()

    order = linked["order"]
    assert f'<a href="/sales/orders/{order.pk}/">{order.number}</a>' in page
    assert f'<a href="/deals/{linked["deal"].pk}/">{linked["deal"].number}</a>' in page


def test_an_interaction_links_its_contact_person(browser_as, linked):
    page = browser_as("owner").get(f"/interactions/{linked['call'].pk}/").content.decode()

    contact = linked["contact"]
    assert (
        f'<a href="/partners/contacts/{contact.pk}/" data-testid="contact-link">'
        f"{contact.full_name}</a>"
    ) in page


def test_the_deal_card_links_its_contact_persons(browser_as, linked, owner):
    from ladoga.deals.services import deal_update

    deal = deal_update(
        deal=linked["deal"],
        expected_version=linked["deal"].version,
        by=owner,
        contacts=[linked["contact"]],
    )
    page = browser_as("owner").get(f"/deals/{deal.pk}/").content.decode()

    assert f'href="/partners/contacts/{linked["contact"].pk}/"' in page


@pytest.mark.parametrize(
    "url", ["/deals/", "/sales/", "/sales/proposals/", "/claims/", "/interactions/"]
)
def test_the_lists_link_the_client(browser_as, picture, linked, url):
    page = browser_as("owner").get(url).content.decode()

    assert partner_href(picture) in page


def test_my_tasks_link_the_deal(browser_as, picture, linked, owner):
    page = browser_as("owner").get("/deals/tasks/").content.decode()

    # The strict kind's first stage gives the owner tasks on each of their deals.
    assert re.search(r'<a href="/deals/\d+/">DL-\d{4}-\d+ ', page)


def test_the_tags_render_a_dash_without_a_record():
    rendered = Template(
        "{% load partner_links %}[{% partner_link none %}][{% contact_link none %}]"
    ).render(Context({"none": None}))

    assert rendered == "[—][—]"


def test_the_tags_escape_the_name(picture, owner):
    picture.name = "<b>Bold</b> & Co"
    rendered = Template("{% load partner_links %}{% partner_link p %}").render(
        Context({"p": picture})
    )

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co</a>" in rendered
    assert "<b>" not in rendered


def test_the_dashboard_blocks_link_the_client(browser_as, picture, linked):
    """The open claims block (a head sees the department's) and my unprocessed interactions
    name the client as a link."""
    for actor, block in (("head", "claims"), ("owner", "unprocessed")):
        page = browser_as(actor).get(f"/dashboard/blocks/{block}/").content.decode()
        assert partner_href(picture) in page, block
