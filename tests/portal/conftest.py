import pytest

from ladoga.portal.services import portal_account_bind
from tests.claims.conftest import (  # noqa: F401  (fixtures shared with the claims tests)
    claim,
    claim_factory,
    counterparty,
    english,
    order,
    other_order,
    other_partner,
    partner,
    reasons,
)


@pytest.fixture
def portal_user(actors, partner):  # noqa: F811  (the imported fixture)
    """The portal client of the test base, bound to the owner's partner."""
    portal_account_bind(user=actors["portal"], partner_id=partner.pk)
    return actors["portal"]


@pytest.fixture
def portal(browser_as, portal_user):
    return browser_as("portal")
