"""The deal's Changes tab (issue 14, point 9): labels and names, never raw values."""

import datetime
import re

from ladoga.deals import services
from ladoga.deals.models import Deal


def changes_of(page: str) -> list[str]:
    """The text of each change line of the History table."""
    lines = re.findall(r'<div class="change">(.*?)</div>', page, re.S)
    return [re.sub(r"<[^>]+>", "", line) for line in lines]


def test_the_changes_tab_shows_names_and_labels_once(
    browser_as, deal, owner, contacts, agreement, actors, django_assert_max_num_queries
):
    services.deal_update(deal=deal, expected_version=None, by=owner, contacts=[contacts["buyer"]])
    services.deal_update(
        deal=Deal.objects.get(pk=deal.pk),
        expected_version=None,
        by=owner,
        contacts=[contacts["buyer"], contacts["boss"]],
        agreement=agreement,
        source="exhibition",
        manager=actors["colleague"],
    )
    client = browser_as("head")  # the deal is the colleague's now

    page = client.get(f"/deals/{deal.pk}/?tab=changes").content.decode()

    changes = changes_of(page)
    assert "Manager: Owner → Colleague" in changes
    assert "Agreement: — → AG-2020-000001 Standard terms" in changes
    assert "Source: — → Exhibition" in changes
    assert "Contact persons: Petrov → Petrov, Sidorova" in changes
    assert "Contact persons: — → Petrov" in changes
    assert "{" not in " ".join(changes) and "[" not in " ".join(changes)
    first_entry = page.split("<tr>")[2]
    assert first_entry.count("Contact persons") == 1

    for _ in range(5):
        services.deal_update(
            deal=Deal.objects.get(pk=deal.pk),
            expected_version=None,
            by=owner,
            expected_close_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=_),
        )
    with django_assert_max_num_queries(80) as few:
        client.get(f"/deals/{deal.pk}/?tab=changes")
    for _ in range(10):
        services.deal_update(
            deal=Deal.objects.get(pk=deal.pk),
            expected_version=None,
            by=owner,
            contacts=[contacts["boss"]] if _ % 2 else [contacts["buyer"]],
            manager=actors["owner"] if _ % 2 else actors["colleague"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/deals/{deal.pk}/?tab=changes")
