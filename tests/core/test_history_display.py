"""History values as people read them (issue 14, point 9), also for what is stored oddly: a
JSON list of records is summarised, never printed as a Python repr; a choice value that is
no longer a choice still renders (as it is, since it has no label) instead of failing."""

import pytest

from ladoga.core.history import history_entries
from ladoga.deals import services
from ladoga.deals.models import Deal, DealKind
from ladoga.partners.services import partner_create
from tests.history_text import assert_no_internals, history_changes


@pytest.fixture
def strict_kind(db):
    return DealKind.objects.get(process_type="strict")


def test_a_json_list_of_records_is_summarised(strict_kind):
    stage = strict_kind.stages.get(code="needs")
    stage.save()  # its history starts here (the shipped stages come from a migration)
    stage.guards = [{"agreement": 2, "price": "1.00"}, {"agreement": 3}]
    stage.save()

    entries = history_entries(stage)

    change = next(c for c in entries[0].changes if c.field == "guards")
    assert change.new == "2 items, 2 changed"
    assert "{" not in change.old + change.new and "'" not in change.old + change.new


def test_a_stored_value_that_is_no_longer_a_choice_still_renders(browser_as, owner, strict_kind):
    partner = partner_create(name="Romashka", manager=owner, by=owner)
    deal = services.deal_create(name="Cement", partner=partner, kind=strict_kind, by=owner)
    services.deal_update(deal=deal, expected_version=None, by=owner, source="exhibition")
    latest = Deal.history.filter(id=deal.pk).order_by("-history_id").first()
    Deal.history.filter(history_id=latest.history_id).update(source="fax")  # an old choice

    response = browser_as("owner").get(f"/deals/{deal.pk}/?tab=changes")

    assert response.status_code == 200
    changes = history_changes(response.content.decode())
    assert "Source: — → fax" in changes
    assert_no_internals(changes)
    assert [line.split(":")[0] for line in changes].count("Source") == 1
