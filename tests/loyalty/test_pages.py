"""The loyalty pages: list with filters and export, lookup by number, card page with
history, block and replace, the printable card, issuing with the holder picker, kinds."""

import pytest
from django.urls import reverse

from ladoga.accounts.services import user_language_set
from ladoga.loyalty import services
from ladoga.loyalty.models import CardKind, LoyaltyCard


def text(response) -> str:
    return response.content.decode()


def test_list_shows_the_cards_the_user_may_see(
    browser_as, card, fixed_kind, other_partner, django_assert_max_num_queries
):
    theirs = services.card_issue(kind=fixed_kind, partner=other_partner)
    client = browser_as("owner")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("loyalty:cards"))
    assert response.status_code == 200
    assert card.number in text(response)
    assert theirs.number not in text(response)


def test_list_filters_by_holder_and_status(browser_as, card, fixed_kind, partner):
    blocked = services.card_block(card=services.card_issue(kind=fixed_kind, partner=partner))
    client = browser_as("admin")
    only_blocked = text(client.get(reverse("loyalty:cards"), {"status": "blocked"}))
    assert blocked.number in only_blocked and card.number not in only_blocked
    assert card.number in text(client.get(reverse("loyalty:cards"), {"q": "stroy"}))
    assert "No cards match the filters" in text(
        client.get(reverse("loyalty:cards"), {"q": "nobody at all"})
    )


@pytest.mark.parametrize("fmt, kind", [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_export(browser_as, card, fmt, kind):
    response = browser_as("owner").get(reverse("loyalty:cards"), {"format": fmt})
    assert response.status_code == 200
    assert kind in response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        lines = body.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Number,Kind,Holder")
        assert lines[1].startswith(f"{card.number},Silver,Stroymontazh")


def test_lookup_opens_the_card(browser_as, card):
    response = browser_as("owner").get(reverse("loyalty:lookup"), {"number": f" {card.number} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("loyalty:card", args=[card.pk])


def test_lookup_of_another_managers_card_says_not_found(browser_as, card):
    response = browser_as("outsider").get(reverse("loyalty:lookup"), {"number": card.number})
    assert response.status_code == 200
    assert "No card with this number that you can see." in text(response)


def test_lookup_field_has_autofocus(browser_as):
    assert "autofocus" in text(browser_as("owner").get(reverse("loyalty:cards")))


def test_card_page_and_visibility(browser_as, card):
    response = browser_as("owner").get(reverse("loyalty:card", args=[card.pk]))
    assert response.status_code == 200
    assert "Stroymontazh" in text(response) and "7.00 %" in text(response)
    assert reverse("partners:detail", args=[card.partner_id]) in text(response)
    assert browser_as("outsider").get(reverse("loyalty:card", args=[card.pk])).status_code == 404


def test_block_from_the_page_shows_in_the_history(browser_as, card):
    client = browser_as("owner")
    response = client.post(reverse("loyalty:card_block", args=[card.pk]), {"reason": "Lost"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == "blocked" and card.block_reason == "Lost"
    page = text(client.get(reverse("loyalty:card", args=[card.pk])))
    assert "Blocked" in page and "Lost" in page


def test_replace_from_the_page_goes_to_the_new_card(browser_as, card):
    response = browser_as("owner").post(reverse("loyalty:card_replace", args=[card.pk]))
    new = LoyaltyCard.objects.exclude(pk=card.pk).get()
    assert response["Location"] == reverse("loyalty:card", args=[new.pk])
    card.refresh_from_db()
    assert card.replaced_by == new


def test_outsider_cannot_block(browser_as, card):
    response = browser_as("outsider").post(reverse("loyalty:card_block", args=[card.pk]))
    assert response.status_code == 404
    card.refresh_from_db()
    assert card.status == "active"


def test_printable_card_has_the_ean13_barcode(browser_as, card):
    page = text(browser_as("owner").get(reverse("loyalty:card_print", args=[card.pk])))
    assert f'aria-label="EAN-13 {card.number}"' in page
    assert page.count("<rect") > 30
    assert "style=" not in page.split('data-testid="card-barcode"')[1].split("</svg>")[0]


def test_holder_search_lists_only_visible_partners(browser_as, partner, other_partner):
    url = reverse("loyalty:holder_search")
    assert "Stroymontazh" in text(browser_as("owner").get(url, {"q": "stroy"}))
    assert "Other client" not in text(browser_as("owner").get(url, {"q": "other"}))


def test_issue_form(browser_as, fixed_kind, partner):
    response = browser_as("owner").post(
        reverse("loyalty:issue"), {"kind": fixed_kind.pk, "partner": partner.pk}
    )
    made = LoyaltyCard.objects.get()
    assert response["Location"] == reverse("loyalty:card", args=[made.pk])
    assert made.partner == partner


def test_issue_form_shows_the_check_digit_error(browser_as, fixed_kind, partner):
    response = browser_as("owner").post(
        reverse("loyalty:issue"),
        {"kind": fixed_kind.pk, "partner": partner.pk, "number": "2000000000009"},
    )
    assert response.status_code == 200
    assert "check digit" in text(response)
    assert not LoyaltyCard.objects.exists()


def test_kinds_page_and_form(browser_as, accumulative_kind):
    client = browser_as("admin")
    assert "3 % from 50,000.00" in text(client.get(reverse("loyalty:kinds")))
    response = client.post(
        reverse("loyalty:kind_create"),
        {
            "name": "Gold",
            "discount_type": "fixed",
            "percent": "10",
            "period_days": "365",
            "length": "13",
            "prefix": "46",
            "check_digit": "ean13",
            "combine_rule": "both",
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert CardKind.objects.get(name="Gold").combine_rule == "both"


def test_manager_cannot_open_the_kind_form(browser_as):
    assert browser_as("owner").get(reverse("loyalty:kind_create")).status_code == 403


def test_navigation_links_to_the_cards(browser_as):
    assert reverse("loyalty:cards") in text(browser_as("owner").get(reverse("loyalty:cards")))


def test_the_export_titles_follow_each_users_language(actors, browser_as, card):
    """The column titles are translated per export, not once when the module is imported."""
    user_language_set(user=actors["owner"], language="ru")
    russian = b"".join(
        browser_as("owner").get(reverse("loyalty:cards"), {"format": "csv"}).streaming_content
    )
    user_language_set(user=actors["owner"], language="en")
    english = b"".join(
        browser_as("owner").get(reverse("loyalty:cards"), {"format": "csv"}).streaming_content
    )

    assert russian.decode("utf-8-sig").startswith("Номер;Вид;Владелец")
    assert english.decode("utf-8-sig").startswith("Number,Kind,Holder")
