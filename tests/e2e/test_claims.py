"""Claims and the client portal in a real browser: a client files a claim with a photo and
a comment that looks like script (shown as text, never run); the staff member moves it
through the flow; the report pages draw their charts under the strict CSP."""

import pytest
from playwright.sync_api import expect

from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.claims.models import Claim
from ladoga.interactions.models import Notification
from ladoga.partners.services import partner_create

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def client_user(anna):
    partner = partner_create(name="Stroymontazh", manager=anna)
    return user_create(
        username="client",
        role=Role.PORTAL,
        password=PASSWORD,
        language="en",
        partner_id=partner.pk,
    )


def test_a_client_files_a_claim_and_the_manager_resolves_it(
    open_session, anna, client_user, tmp_path
):
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    client = open_session()
    client.sign_in("client")
    page = client.page
    expect(page.get_by_test_id("page-title")).to_have_text("Your claims")

    page.get_by_test_id("portal-claim-new").click()
    page.fill("#id_essence", "Two pallets of bricks are missing")
    page.set_input_files("#id_files", str(photo))
    page.get_by_test_id("portal-claim-submit").click()
    expect(page.get_by_test_id("claim-essence")).to_have_text("Two pallets of bricks are missing")
    expect(page.get_by_test_id("claim-files")).to_contain_text("photo.png")

    script = "<script>window.pwned = 1</script>"
    page.fill("#id_text", script)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("claim-comments")).to_contain_text(script)
    assert page.evaluate("window.pwned") is None
    assert client.problems() == []

    claim = Claim.objects.get()
    assert Notification.objects.filter(user=anna, url=f"/claims/{claim.pk}/").exists()

    staff = open_session()
    staff.sign_in("anna")
    staff.goto(f"/claims/{claim.pk}/")
    staff.page.get_by_test_id("transition-submit").click()
    expect(staff.page.get_by_test_id("claim-status").first).to_have_text("Under investigation")
    staff.page.select_option("#id_resolution", "partly")
    staff.page.fill("#id_result", "Half the bricks are replaced")
    staff.page.get_by_test_id("transition-submit").click()
    expect(staff.page.get_by_test_id("claim-status").first).to_have_text("Resolved")
    assert staff.problems() == []

    client.goto(f"/portal/claims/{claim.pk}/")
    expect(page.get_by_text("Half the bricks are replaced")).to_be_visible()


@pytest.mark.parametrize("name", ["dynamics", "satisfaction", "structure"])
def test_report_pages_under_the_csp(open_session, anna, name):
    from ladoga.claims.services import claim_create, claim_transition

    claim = claim_create(partner=partner_create(name="Kirpich", manager=anna), essence="x", by=anna)
    claim = claim_transition(claim=claim, status="investigating", by=anna)
    claim_transition(claim=claim, status="resolved", resolution="satisfied", result="ok", by=anna)
    session = open_session()
    session.sign_in("anna")
    session.goto(f"/claims/reports/{name}/")
    expect(session.page.get_by_test_id("report-table")).to_be_visible()
    assert session.problems() == []
