"""A proposal's life: only a draft is changed (the service's rule, so the pages and the API
both keep it), the status moves draft → sent → accepted or rejected (a sent one may go back
to draft), and the validity date is never before the proposal's date."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.sales import services
from ladoga.sales.errors import Forbidden
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import Proposal, ProposalStatus
from ladoga.sales.services import LineIn

from .conftest import DAY


@pytest.fixture
def proposal(partner, agreement, products, owner):
    return services.proposal_create(
        partner=partner,
        agreement=agreement,
        date=DAY,
        valid_until=datetime.date(2026, 3, 31),
        lines=[LineIn(product=products["P-2"], quantity=D("4"))],
        by=owner,
    )


def moved(proposal, *statuses):
    for status in statuses:
        proposal = services.proposal_transition(proposal=proposal, status=status)
    return proposal


def snapshot(proposal) -> tuple:
    fresh = Proposal.objects.get(pk=proposal.pk)
    lines = list(fresh.lines.order_by("position").values_list("product__code", "quantity"))
    return fresh.status, fresh.comment, fresh.date, fresh.valid_until, fresh.total, lines


# The service


@pytest.mark.parametrize("status", ["sent", "accepted", "rejected"])
@pytest.mark.parametrize(
    "changes",
    [
        {"comment": "cheaper now"},
        {"date": datetime.date(2026, 3, 5)},
        {"lines": "one more"},
    ],
    ids=["comment", "date", "lines"],
)
def test_only_a_draft_is_changed(proposal, products, owner, status, changes):
    path = {"sent": ["sent"], "accepted": ["sent", "accepted"], "rejected": ["sent", "rejected"]}
    proposal = moved(proposal, *path[status])
    before = snapshot(proposal)
    if changes.get("lines"):
        changes = {"lines": [LineIn(product=products["P-1"], quantity=D("1"))]}
    with pytest.raises(Conflict) as error:
        services.proposal_update(
            proposal=proposal, expected_version=proposal.version, by=owner, **changes
        )
    [violation] = error.value.violations
    assert violation.code == C.PROPOSAL_NOT_DRAFT == "proposal_not_draft"
    assert error.value.status == 409
    assert f"Proposal {proposal.number} is {status}: only a draft proposal is changed." in str(
        violation.message
    )
    hint = "Move it back to draft first." if status == "sent" else "Make a new proposal instead."
    assert hint in str(violation.message)
    assert snapshot(proposal) == before
    assert Proposal.objects.get(pk=proposal.pk).version == proposal.version


def test_a_sent_proposal_back_in_draft_is_changed_again(proposal, owner):
    proposal = moved(proposal, "sent", "draft")
    changed = services.proposal_update(
        proposal=proposal, expected_version=proposal.version, by=owner, comment="revised"
    )
    assert (changed.status, changed.comment) == ("draft", "revised")


def test_the_status_moves_along_its_paths_only(proposal, owner):
    sent = services.proposal_transition(proposal=proposal, status="sent", by=owner)
    assert Proposal.objects.get(pk=proposal.pk).status == "sent"
    accepted = services.proposal_transition(proposal=sent, status="accepted", by=owner)
    assert accepted.status == "accepted"
    for status in ("draft", "sent", "rejected", "accepted"):
        with pytest.raises(ValidationFailed) as error:
            services.proposal_transition(proposal=accepted, status=status, by=owner)
        [violation] = error.value.violations
        assert (violation.code, violation.field) == (C.PROPOSAL_TRANSITION_INVALID, "status")
        assert str(violation.message).startswith("A proposal cannot go from accepted to ")
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"


def test_a_draft_is_not_accepted_before_it_is_sent(proposal):
    for status in ("accepted", "rejected"):
        with pytest.raises(ValidationFailed) as error:
            services.proposal_transition(proposal=proposal, status=status)
        assert error.value.codes == [C.PROPOSAL_TRANSITION_INVALID]
        assert str(error.value) == f"A proposal cannot go from draft to {status}."
    with pytest.raises(ValidationFailed) as error:
        services.proposal_transition(proposal=proposal, status="won")
    assert error.value.codes == [C.STATUS_UNKNOWN]
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_update_moves_the_status_by_the_same_rules(proposal):
    sent = services.proposal_update(proposal=proposal, expected_version=None, status="sent")
    # Saying the status it already has, alone, changes nothing and is not refused.
    same = services.proposal_update(proposal=sent, expected_version=None, status="sent")
    assert same.status == "sent"
    with pytest.raises(Conflict) as error:
        services.proposal_update(proposal=sent, expected_version=None, status="draft", comment="x")
    assert error.value.codes == [C.PROPOSAL_NOT_DRAFT]
    assert Proposal.objects.get(pk=proposal.pk).status == "sent"


def test_a_role_without_documents_rights_moves_nothing(proposal, actors):
    with pytest.raises(Forbidden) as error:
        services.proposal_transition(proposal=proposal, status="sent", by=actors["claims"])
    assert error.value.codes == [C.PERMISSION_DENIED]
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_until": datetime.date(2026, 3, 1)},
        {"date": datetime.date(2026, 4, 1)},
        {"date": datetime.date(2026, 3, 10), "valid_until": datetime.date(2026, 3, 9)},
    ],
    ids=["valid-until-before-date", "date-after-valid-until", "both"],
)
def test_update_keeps_valid_until_on_or_after_the_date(proposal, owner, changes):
    before = snapshot(proposal)
    with pytest.raises(ValidationFailed) as error:
        services.proposal_update(proposal=proposal, expected_version=None, by=owner, **changes)
    [violation] = error.value.violations
    assert (violation.code, violation.field) == (C.DATE_INVALID, "valid_until")
    assert str(violation.message) == "A proposal cannot expire before its date."
    assert snapshot(proposal) == before


def test_update_may_clear_valid_until_and_move_the_date(proposal, owner):
    changed = services.proposal_update(
        proposal=proposal,
        expected_version=None,
        by=owner,
        date=datetime.date(2026, 4, 1),
        valid_until=None,
    )
    assert (changed.date, changed.valid_until) == (datetime.date(2026, 4, 1), None)


# The API gets the same rule


def test_api_patch_of_a_sent_proposal_is_409_and_writes_nothing(api_as, proposal):
    sent = moved(proposal, "sent")
    before = snapshot(proposal)
    response = api_as("owner").patch(
        f"/api/v1/proposals/{proposal.pk}",
        {
            "comment": "quietly",
            "lines": [{"product_id": proposal.lines.get().product_id, "quantity": 9}],
        },
        headers={"If-Match": f'"{sent.version}"'},
    )
    assert response.status_code == 409
    [problem] = response.json()["errors"]
    assert problem["code"] == "proposal_not_draft"
    assert problem["message"].startswith(f"Proposal {proposal.number} is sent: only a draft")
    assert snapshot(proposal) == before
    assert Proposal.objects.get(pk=proposal.pk).version == sent.version


def test_api_moves_the_status(api_as, proposal):
    client, url = api_as("owner"), f"/api/v1/proposals/{proposal.pk}"
    response = client.patch(url, {"status": "sent"}, headers={"If-Match": f'"{proposal.version}"'})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent"
    response = client.patch(url, {"status": "accepted"}, headers={"If-Match": response["ETag"]})
    assert response.json()["status"] == "accepted"
    refused = client.patch(url, {"status": "draft"}, headers={"If-Match": response["ETag"]})
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json()["errors"]] == ["proposal_transition_invalid"]
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"


def test_api_refuses_valid_until_before_the_date_and_writes_nothing(api_as, proposal):
    response = api_as("owner").patch(
        f"/api/v1/proposals/{proposal.pk}",
        {"valid_until": "2026-03-01"},
        headers={"If-Match": f'"{proposal.version}"'},
    )
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["code"], problem["field"]) == ("date_invalid", "valid_until")
    assert problem["message"] == "A proposal cannot expire before its date."
    assert Proposal.objects.get(pk=proposal.pk).valid_until == datetime.date(2026, 3, 31)


# The proposal page's status buttons


def buttons(client, proposal) -> str:
    return client.get(reverse("sales:proposal_detail", args=[proposal.pk])).content.decode()


def test_the_page_offers_the_moves_the_status_allows(browser_as, proposal):
    client = browser_as("owner")
    html = buttons(client, proposal)
    assert 'data-testid="proposal-to-sent"' in html
    assert 'data-testid="proposal-to-accepted"' not in html

    moved(proposal, "sent")
    html = buttons(client, proposal)
    for status in ("accepted", "rejected", "draft"):
        assert f'data-testid="proposal-to-{status}"' in html
    assert 'data-confirm="Mark the proposal accepted? This cannot be undone."' in html
    assert 'data-confirm="Mark the proposal rejected? This cannot be undone."' in html
    assert 'data-testid="proposal-edit"' not in html

    moved(proposal, "rejected")
    assert 'data-testid="proposal-to-' not in buttons(client, proposal)


def test_the_buttons_move_the_proposal(browser_as, proposal):
    client = browser_as("owner")
    url = reverse("sales:proposal_transition", args=[proposal.pk])
    response = client.post(url, {"status": "sent"}, follow=True)
    assert f"Proposal {proposal.number} is sent now." in response.content.decode()
    response = client.post(url, {"status": "accepted"}, follow=True)
    assert f"Proposal {proposal.number} is accepted now." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ACCEPTED


def test_a_refused_move_shows_the_services_message_and_changes_nothing(browser_as, proposal):
    response = browser_as("owner").post(
        reverse("sales:proposal_transition", args=[proposal.pk]),
        {"status": "accepted"},
        follow=True,
    )
    assert "A proposal cannot go from draft to accepted." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_moves_are_post_only_and_follow_the_visibility(browser_as, proposal):
    url = reverse("sales:proposal_transition", args=[proposal.pk])
    opened = browser_as("owner").get(url)  # a GET leads to the proposal, moves nothing
    assert opened.status_code == 302
    assert opened["Location"] == reverse("sales:proposal_detail", args=[proposal.pk])
    assert browser_as("outsider").post(url, {"status": "sent"}).status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"
