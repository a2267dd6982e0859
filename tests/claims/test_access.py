"""Who sees which claims: officers all, managers their partners', heads the claims against
their departments, portal clients their own partner's (X1, issue 7 §6)."""

import pytest

from ladoga.accounts import access
from ladoga.accounts.roles import Role
from ladoga.accounts.services import department_create, user_create
from ladoga.claims.models import Claim, ClaimComment, ClaimTransition
from ladoga.claims.services import claim_comment_add
from ladoga.portal.services import portal_account_bind


@pytest.fixture
def portal_of_partner(actors, partner):
    portal_account_bind(user=actors["portal"], partner_id=partner.pk)
    return actors["portal"]


def sees(actor, claim) -> bool:
    return access.visible(Claim, actor).filter(pk=claim.pk).exists()


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("owner", True),  # the partner's manager
        ("colleague", False),
        ("outsider", False),
        ("head", True),  # heads the owner's department
        ("admin", True),
        ("claims", True),  # claims officers see every claim
        ("portal", True),  # bound to the partner below
    ],
)
def test_claim_of_the_owners_partner(actors, claim, portal_of_partner, actor, expected):
    assert sees(actors[actor], claim) is expected


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("owner", False),
        ("colleague", False),
        ("outsider", True),
        ("head", True),  # the claim is against the head's department
        ("admin", True),
        ("claims", True),
        ("portal", False),  # another partner's
    ],
)
def test_claim_against_the_heads_department(
    actors, departments, claim_factory, other_partner, portal_of_partner, actor, expected
):
    claim = claim_factory(
        other_partner, by=actors["outsider"], culprit_department=departments["sales"]
    )
    assert sees(actors[actor], claim) is expected


def test_head_does_not_see_claims_against_other_departments(
    actors, claim_factory, other_partner, departments
):
    claim = claim_factory(
        other_partner, by=actors["outsider"], culprit_department=departments["other"]
    )
    assert not sees(actors["head"], claim)


def test_head_of_a_parent_department_sees_claims_against_its_sub_units(
    actors, departments, claim_factory, other_partner
):
    branch = department_create(name="Warehouse", parent=departments["sales"])
    claim = claim_factory(other_partner, by=actors["outsider"], culprit_department=branch)
    assert sees(actors["head"], claim)


def test_responsible_person_sees_the_claim(actors, claim_factory, other_partner):
    claim = claim_factory(other_partner, by=actors["outsider"], responsible=actors["colleague"])
    assert sees(actors["colleague"], claim)


def test_unbound_portal_user_sees_nothing(actors, claim):
    assert not sees(actors["portal"], claim)


def test_inactive_claims_officer_sees_nothing(claim):
    officer = user_create(username="retired", role=Role.CLAIMS)
    officer.is_active = False
    assert not sees(officer, claim)


def test_comments_and_history_follow_the_claim(actors, claim, owner):
    claim_comment_add(claim=claim, text="internal", by=owner)
    for actor, expected in (("claims", True), ("outsider", False), ("head", True)):
        user = actors[actor]
        assert access.visible(ClaimComment, user).exists() is expected
        assert access.visible(ClaimTransition, user).exists() is expected
