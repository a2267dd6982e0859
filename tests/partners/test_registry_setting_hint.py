"""No internals on screen (issue 14, point 9): when the state registry refuses because of
Ladoga's own setting (no token, a rejected token), the page names the environment variable
to administrators only; everyone else is told to turn to one. The API keeps its code."""

import httpx
import pytest
from django.urls import reverse

from ladoga.partners import registry
from ladoga.partners.models import Counterparty

from .conftest import inn10

HINT = "LADOGA_REGISTRY_TOKEN"
ASK = "The state registry cannot be used now; tell an administrator."


@pytest.fixture
def rejecting_registry():
    """A DaData client whose key the registry refuses (HTTP 401)."""
    registry.provider_set(
        registry.DaDataProvider(
            url="https://registry.invalid",
            token="expired",
            transport=httpx.MockTransport(lambda request: httpx.Response(401)),
        )
    )
    yield
    registry.provider_set(None)


def checked_state(counterparty) -> tuple:
    counterparty = Counterparty.objects.get(pk=counterparty.pk)
    return (counterparty.registry_status, counterparty.registry_checked_at, counterparty.version)


@pytest.mark.parametrize("actor, sees_setting", [("owner", False), ("admin", True)])
def test_a_refused_registry_check_names_the_setting_to_administrators_only(
    browser_as, counterparty, rejecting_registry, actor, sees_setting
):
    before = checked_state(counterparty)

    response = browser_as(actor).post(
        reverse("partners:registry_check", args=[counterparty.pk]), follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert (HINT in page) is sees_setting
    if sees_setting:
        assert "API key (LADOGA_REGISTRY_TOKEN)." in page
    else:
        assert ASK in page
    assert checked_state(counterparty) == before  # nothing written


@pytest.mark.parametrize("actor, sees_setting", [("owner", False), ("admin", True)])
def test_the_registry_fill_names_the_setting_to_administrators_only(
    browser_as, rejecting_registry, actor, sees_setting
):
    response = browser_as(actor).post(
        reverse("partners:registry_fill"), {"inn": inn10(7), "wizard": "1"}
    )

    page = response.content.decode()
    assert (HINT in page) is sees_setting
    assert (ASK in page) is not sees_setting
    assert "registry_token_rejected" not in page  # the code is the API's


def test_the_api_keeps_the_code(api_as, counterparty, rejecting_registry):
    response = api_as("owner").post(f"/api/v1/counterparties/{counterparty.pk}/registry-check")

    assert response.status_code >= 400
    assert "registry_token_rejected" in response.content.decode()
