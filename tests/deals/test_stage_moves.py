"""The next stage as the move on the pipeline board (issue 14, point 5): every card names
its next stage, from the same rule as the deal's stage menu (queries.next_stage); a kind
without stages has a board too. (What the stage menu offers and refuses is in
test_moves_available.py.)"""

import re

import pytest

from ladoga.deals.models import Deal, StageTransition
from ladoga.deals.queries import board_next_stages, deal_moves_available, next_stage

from .conftest import counts, stage, tasks_done


def card_buttons(page: str) -> list[str]:
    """The text of each card's next-stage button."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'data-testid="card-next"[^>]*>(.*?)</button>', page, re.S)
    ]


def test_each_column_offers_its_next_stage_in_order(strict):
    stages = list(strict.stages.all())
    by_code = {s.code: s for s in stages}
    code_of = {s.pk: s.code for s in stages}

    following = board_next_stages(stages)

    assert {code_of[pk]: after.code for pk, after in following.items()} == {
        "qualification": "needs",
        "needs": "client_classified",
        "client_classified": "proposal",
        "proposal": "negotiation",
        "negotiation": "order",
        "order": "won",
    }
    assert by_code["won"].pk not in following and by_code["lost"].pk not in following


def test_the_board_and_the_stage_menu_name_the_same_next_stage(deal, strict, owner):
    stages = list(strict.stages.all())

    menu = deal_moves_available(deal, user=owner).primary.stage

    assert board_next_stages(stages)[deal.stage_id] == menu
    assert next_stage(stages, deal.stage) == menu


def test_a_kind_without_stages_has_no_next_stage(non_process):
    assert board_next_stages(list(non_process.stages.all())) == {}
    assert next_stage([], None) is None


def test_the_board_of_a_kind_without_stages_shows_its_deals(
    browser_as, deal_factory, non_process, strict
):
    deal_factory(kind=non_process, name="Quick one")

    response = browser_as("owner").get(f"/deals/board/{non_process.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Quick one" in page
    assert 'data-testid="board-won"' in page
    assert card_buttons(page) == []  # no stages: "Won" is the drop zone
    # and the other kinds' boards link to it
    assert (
        f"/deals/board/{non_process.pk}/"
        in browser_as("owner").get(f"/deals/board/{strict.pk}/").content.decode()
    )


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_card_names_its_next_stage(browser_as, deal_factory, strict, actors, language):
    from ladoga.accounts.services import user_language_set

    deal_factory(name="At the start")
    near_the_end = deal_factory(name="Near the end")
    Deal.objects.filter(pk=near_the_end.pk).update(stage=stage(strict, "order"))
    user_language_set(user=actors["owner"], language=language)

    page = browser_as("owner").get(f"/deals/board/{strict.pk}/").content.decode()

    won = stage(strict, "won")
    needs = stage(strict, "needs")
    assert sorted(card_buttons(page)) == sorted([f"→ {won.name}", f"→ {needs.name}"])
    title = "Move to the next stage" if language == "en" else "Перевести на следующий этап"
    assert f'title="{title}: {needs.name}"' in page


def test_a_role_that_may_not_move_deals_sees_no_move_on_the_cards(browser_as, deal, strict, actors):
    claims = actors["claims"]
    Deal.objects.filter(pk=deal.pk).update(manager=claims)  # a deal the officer sees
    assert claims.has_perm("deals.view_deal") and not claims.has_perm("deals.change_deal")

    page = browser_as("claims").get(f"/deals/board/{strict.pk}/").content.decode()

    assert page.count('data-testid="deal-card"') == 1
    assert card_buttons(page) == []
    admin_page = browser_as("admin").get(f"/deals/board/{strict.pk}/").content.decode()
    assert card_buttons(admin_page) == [f"→ {stage(strict, 'needs').name}"]


def test_the_moved_card_names_its_new_next_stage(browser_as, deal, owner, contacts):
    from ladoga.deals import services

    tasks_done(deal)
    services.deal_update(deal=deal, expected_version=None, by=owner, contacts=[contacts["buyer"]])
    deal = Deal.objects.get(pk=deal.pk)

    response = browser_as("owner").post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(deal.kind, "needs").pk, "version": deal.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert card_buttons(page) == [f"→ {stage(deal.kind, 'client_classified').name}"]
    assert Deal.objects.get(pk=deal.pk).stage.code == "needs"


def test_the_next_stage_a_card_offers_is_still_checked_by_the_move(browser_as, deal):
    """The card offers the next stage; its guards are the move's to check: refused with
    the reasons, nothing written."""
    before = counts()
    transitions = StageTransition.objects.count()

    response = browser_as("owner").post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(deal.kind, "needs").pk, "version": deal.version},
        headers={"HX-Request": "true"},
    )

    assert response["HX-Trigger"] == "deal-move-refused"
    page = response.content.decode()
    assert "Finish the required tasks of the current stage first." in page
    assert counts() == before
    assert StageTransition.objects.count() == transitions
    assert Deal.objects.get(pk=deal.pk).stage.code == "qualification"


@pytest.mark.parametrize("actor, sees_codes", [("owner", False), ("admin", True)])
def test_stage_codes_are_shown_only_to_who_configures_the_kinds(
    browser_as, strict, actor, sees_codes
):
    """Point 9: a stage's code is a setting (the API's `stage_code`); the kind's page names
    it to those who configure kinds, everyone else reads the stage names."""
    page = browser_as(actor).get(f"/deals/kinds/{strict.pk}/").content.decode()

    assert stage(strict, "needs").name in page
    assert ('data-testid="stage-code">client_classified<' in page) is sees_codes
    assert ("client_classified" in page) is sees_codes
