"""The claim's field changes (issue 14, point 9): the status label, not its value."""

from ladoga.claims.models import ClaimStatus
from ladoga.claims.services import claim_transition
from tests.history_text import assert_no_internals, history_changes


def test_the_claim_history_shows_the_status_label(browser_as, claim, owner):
    claim_transition(claim=claim, status=ClaimStatus.INVESTIGATING, by=owner)

    page = browser_as("owner").get(f"/claims/{claim.pk}/").content.decode()

    changes = history_changes(page)
    assert "Status: Registered → Under investigation" in changes
    assert [c.split(":")[0] for c in changes].count("Status") == 1
    assert_no_internals(changes)
