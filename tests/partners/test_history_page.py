"""The partner's History tab (issue 14, point 9): names and labels, each field once."""

from ladoga.partners.models import Partner
from ladoga.partners.services import partner_update
from tests.history_text import assert_no_internals, history_changes


def test_the_partner_history_shows_names_and_labels(
    browser_as, partner, actors, django_assert_max_num_queries
):
    partner_update(
        partner=partner,
        expected_version=None,
        by=actors["owner"],
        kind="person",
        manager=actors["colleague"],
    )
    client = browser_as("head")

    page = client.get(f"/partners/{partner.pk}/?tab=history").content.decode()

    changes = history_changes(page)
    assert "Kind: Company → Private person" in changes
    assert "Responsible manager: Owner → Colleague" in changes
    assert_no_internals(changes)
    with django_assert_max_num_queries(60) as few:
        client.get(f"/partners/{partner.pk}/?tab=history")
    for index in range(8):
        partner_update(
            partner=Partner.objects.get(pk=partner.pk),
            expected_version=None,
            by=actors["owner"],
            manager=actors["owner" if index % 2 else "colleague"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/partners/{partner.pk}/?tab=history")
