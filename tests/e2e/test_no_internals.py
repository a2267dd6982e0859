"""Issue 14, point 9 in a real browser: a registry check refused because of Ladoga's own
setting tells a manager to turn to an administrator, and names the environment variable to
an administrator only; neither page shows the refusal's code."""

import httpx
import pytest
from playwright.sync_api import expect

from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.partners import registry, services
from ladoga.partners.models import Counterparty
from ladoga.partners.services import partner_create

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def rejecting_registry():
    registry.provider_set(
        registry.DaDataProvider(
            url="https://registry.invalid",
            token="expired",
            transport=httpx.MockTransport(lambda request: httpx.Response(401)),
        )
    )
    yield
    registry.provider_set(None)


@pytest.fixture
def counterparty(anna):
    partner = partner_create(name="Stroymontazh", manager=anna)
    return services.counterparty_create(
        partner=partner,
        kind="legal_entity",
        short_name="Stroymontazh LLC",
        inn="7707083893",
        by=anna,
    )


@pytest.mark.parametrize("who", ["anna", "root"])
def test_a_refused_registry_check_names_the_setting_to_administrators_only(
    session, anna, counterparty, rejecting_registry, who
):
    if who == "root":
        user_create(username="root", role=Role.ADMIN, password=PASSWORD, language="en")
    session.sign_in(who)
    page = session.page
    session.goto(f"/partners/{counterparty.partner_id}/?tab=requisites")

    page.get_by_test_id("registry-check").click()

    body = page.locator("body")
    if who == "root":
        expect(body).to_contain_text("API key (LADOGA_REGISTRY_TOKEN)")
    else:
        expect(body).to_contain_text(
            "The state registry cannot be used now; tell an administrator."
        )
        expect(body).not_to_contain_text("LADOGA_")
    expect(body).not_to_contain_text("registry_token_rejected")
    assert Counterparty.objects.get(pk=counterparty.pk).registry_checked_at is None
    assert session.problems() == []
