"""The segment rule pages: every segment with its rule, members and last recomputation; the
rule form writes through segment_rule_set and shows its refusals; "recompute" runs
segment_recompute. Heads and administrators may; managers are refused by the service."""

import re

import pytest
from django.urls import reverse

from ladoga.partners.services import partner_create, partner_group_create, segment_create
from ladoga.sales import services
from ladoga.sales.models import SegmentRule


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def segment(db):
    return segment_create(name="Moscow wholesale")


@pytest.fixture
def manual(db):
    return segment_create(name="Hand-picked")


@pytest.fixture
def group(db):
    return partner_group_create(name="Wholesalers")


@pytest.fixture
def members(owner, group):
    """Two clients in the group, a supplier in it and a client outside it."""
    return {
        "first": partner_create(name="Alpha", group=group, manager=owner),
        "second": partner_create(name="Beta", group=group, manager=owner),
        "supplier": partner_create(name="Gamma", group=group, roles=["supplier"], manager=owner),
        "outside": partner_create(name="Delta", manager=owner),
    }


def row(html: str, segment) -> str:
    found = re.search(rf'<tr data-testid="segment-{segment.pk}">.*?</tr>', html, re.S)
    assert found, f"no row of {segment}"
    return found[0]


def test_the_list_shows_rules_members_and_recompute_time(
    browser_as, segment, manual, group, members
):
    services.segment_rule_set(segment=segment, role="client", group=group)
    client = browser_as("head")
    html = page(client.get(reverse("sales:segments")))
    rule_row = row(html, segment)
    assert "Role: Client" in rule_row and "Group: Wholesalers" in rule_row
    assert re.search(r'<td class="number">2</td>', rule_row)
    recomputed = SegmentRule.objects.get().recomputed_at
    assert recomputed is not None
    assert f'data-testid="segment-recompute-{segment.pk}"' in rule_row
    manual_row = row(html, manual)
    assert "Manual" in manual_row
    assert f'data-testid="segment-recompute-{manual.pk}"' not in manual_row
    assert reverse("sales:segment_rule", args=[manual.pk]) in manual_row


def test_the_segments_page_is_linked_from_the_sales_tabs(browser_as, segment):
    html = page(browser_as("owner").get(reverse("sales:products")))
    assert f'href="{reverse("sales:segments")}"' in html


def test_the_rule_form_writes_the_rule_and_recomputes(browser_as, segment, group, members):
    client = browser_as("head")
    url = reverse("sales:segment_rule", args=[segment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "client", "group": group.pk, "region": ""}, follow=True)
    assert response.redirect_chain == [(reverse("sales:segments"), 302)]
    assert "The rule of segment Moscow wholesale is saved: 2 partners." in page(response)
    rule = SegmentRule.objects.get(segment=segment)
    assert (rule.role, rule.group, rule.region, rule.abc_class) == ("client", group, "", "")
    assert sorted(segment.partners.values_list("name", flat=True)) == ["Alpha", "Beta"]

    # Changing it: the form shows the rule; the members follow the new one.
    assert f'<option value="{group.pk}" selected>' in page(client.get(url))
    client.post(url, {"role": "supplier", "group": group.pk})
    assert list(segment.partners.values_list("name", flat=True)) == ["Gamma"]
    assert SegmentRule.objects.count() == 1


def test_an_empty_rule_shows_the_services_message_and_writes_nothing(browser_as, segment):
    response = browser_as("head").post(reverse("sales:segment_rule", args=[segment.pk]), {})
    assert response.status_code == 400
    message = "A rule needs a role, a group, a property, a region or an ABC class."
    assert response.context["form"].errors["role"] == [message]
    assert message in page(response)
    assert not SegmentRule.objects.exists()


def test_a_long_region_shows_the_services_message_and_keeps_the_old_rule(
    browser_as, segment, group, members
):
    services.segment_rule_set(segment=segment, group=group)
    response = browser_as("head").post(
        reverse("sales:segment_rule", args=[segment.pk]), {"region": "x" * 201}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["region"] == [
        "The region is at most 200 characters long."
    ]
    rule = SegmentRule.objects.get()
    assert (rule.group, rule.region) == (group, "")
    assert segment.partners.count() == 3


def test_a_manager_may_not_set_a_rule(browser_as, segment, group, members):
    client = browser_as("owner")
    listing = page(client.get(reverse("sales:segments")))
    assert f'data-testid="segment-rule-{segment.pk}"' not in listing
    form = page(client.get(reverse("sales:segment_rule", args=[segment.pk])))
    assert 'data-testid="segment-rule-save"' not in form

    response = client.post(
        reverse("sales:segment_rule", args=[segment.pk]), {"role": "client", "group": group.pk}
    )
    assert response.status_code == 403
    assert "Your role does not allow this." in page(response)
    assert not SegmentRule.objects.exists()
    assert segment.partners.count() == 0


def test_recompute_button_follows_changes(browser_as, segment, group, members):
    services.segment_rule_set(segment=segment, role="client", group=group)
    type(members["outside"]).objects.filter(pk=members["outside"].pk).update(group=group)
    response = browser_as("head").post(
        reverse("sales:segment_recompute", args=[segment.pk]), follow=True
    )
    assert "Segment Moscow wholesale is recomputed: 3 partners." in page(response)
    assert sorted(segment.partners.values_list("name", flat=True)) == ["Alpha", "Beta", "Delta"]
    assert SegmentRule.objects.get().member_count == 3


def test_a_manager_may_not_recompute(browser_as, segment, group, members):
    services.segment_rule_set(segment=segment, role="client", group=group)
    type(members["outside"]).objects.filter(pk=members["outside"].pk).update(group=group)
    before = SegmentRule.objects.get().recomputed_at
    url = reverse("sales:segment_recompute", args=[segment.pk])
    response = browser_as("owner").post(url, follow=True)
    assert "Your role does not allow this." in page(response)
    assert segment.partners.count() == 2
    assert SegmentRule.objects.get().recomputed_at == before
    opened = browser_as("head").get(url)  # a GET leads to the segment, runs nothing
    assert opened.status_code == 302
    assert opened["Location"] == reverse("sales:segments")
    assert SegmentRule.objects.get().recomputed_at == before


def test_pages_of_unknown_segments_and_manual_recompute_are_404(browser_as, manual):
    client = browser_as("head")
    assert client.get(reverse("sales:segment_rule", args=[99999])).status_code == 404
    assert client.post(reverse("sales:segment_recompute", args=[manual.pk])).status_code == 404
