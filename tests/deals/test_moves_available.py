"""What a deal's page and the pipeline board offer (issue 14, point 5): each stage with the
answer the move itself would give — the next one as the move, the others refused with the
same reasons `deal_move` and `deal_win` raise, "Won" only where winning is possible."""

import re

import pytest

from ladoga.core.errors import DomainError
from ladoga.deals import services
from ladoga.deals.models import Deal, StageTransition
from ladoga.deals.queries import board_blocked_moves, deal_moves_available

from .conftest import stage, tasks_done


def refusal_of(command) -> tuple[str, ...]:
    """The messages a command refuses with (empty when it would succeed), found by running
    it in a transaction that is rolled back."""
    from django.db import transaction

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            command()
            raise Undo
    except Undo:
        return ()
    except DomainError as error:
        return tuple(str(v.message) for v in error.violations)


def test_every_offered_move_answers_as_the_move_itself_would(deal, owner, contacts):
    tasks_done(deal)
    services.deal_update(deal=deal, expected_version=None, by=owner, contacts=[contacts["buyer"]])
    deal = Deal.objects.get(pk=deal.pk)

    moves = deal_moves_available(deal, user=owner)

    assert [m.stage.code for m in moves.moves] == [
        "needs",
        "client_classified",
        "proposal",
        "negotiation",
        "order",
        "won",
    ]
    for move in moves.moves:
        expected = refusal_of(
            lambda move=move: services.deal_move(deal=deal, stage=move.stage, by=owner)
        )
        assert move.reasons == expected, move.stage.code
    assert [m.stage.code for m in moves.moves if m.allowed] == ["needs"]
    assert moves.primary.stage.code == "needs"
    assert moves.win_reasons == refusal_of(lambda: services.deal_win(deal=deal, by=owner))
    assert not moves.can_win
    assert StageTransition.objects.filter(deal=deal).count() == 1  # only "created"


def test_a_skipped_stage_is_refused_with_the_stage_order_reason(deal, owner):
    moves = deal_moves_available(deal, user=owner)

    proposal = next(m for m in moves.moves if m.stage.code == "proposal")
    needs = stage(deal.kind, "needs").name
    assert f"Stages are passed in order: the next one is {needs}." in proposal.reasons
    primary = moves.primary
    assert primary.stage.code == "needs"
    assert "Finish the required tasks of the current stage first." in primary.reasons


def test_won_is_possible_only_where_the_guard_would_allow_it(deal, advance, owner):
    advance(deal, "order")
    deal = Deal.objects.get(pk=deal.pk)

    blocked = deal_moves_available(deal, user=owner)

    assert blocked.primary.stage.code == "won"
    assert not blocked.can_win
    assert blocked.win_reasons == refusal_of(lambda: services.deal_win(deal=deal, by=owner))
    assert blocked.win_reasons


def test_a_manual_kind_offers_every_stage(deal_factory, manual, owner):
    deal = deal_factory(kind=manual)

    moves = deal_moves_available(deal, user=owner)

    assert all(m.allowed for m in moves.moves)
    assert moves.can_win


def test_a_non_process_deal_wins_directly(deal_factory, non_process, owner):
    deal = deal_factory(kind=non_process)

    moves = deal_moves_available(deal, user=owner)

    assert moves.moves == ()
    assert moves.can_win


def test_a_closed_deal_or_a_role_that_may_not_move_gets_nothing(deal, owner, actors, reasons):
    assert deal_moves_available(deal, user=actors["claims"]).moves == ()
    assert not deal_moves_available(deal, user=actors["claims"]).can_win
    services.deal_lose(deal=deal, reason=reasons[0], by=owner)
    deal = Deal.objects.get(pk=deal.pk)

    assert deal_moves_available(deal, user=owner).moves == ()


def test_the_board_blocks_only_skipping_columns(strict):
    stages = list(strict.stages.all())
    ids = {s.code: s.pk for s in stages}

    blocked = board_blocked_moves(strict, stages)

    assert ids["needs"] in blocked[ids["proposal"]]  # it would skip "client classified"
    names = {s.code: s.name for s in stages}
    assert blocked[ids["proposal"]][ids["qualification"]] == (
        f"Stages are passed in order: the next one is {names['needs']}."
    )
    assert ids["client_classified"] not in blocked[ids["proposal"]]
    assert ids["order"] not in blocked.get(ids["won"], {})
    assert blocked[ids["won"]][ids["negotiation"]] == (
        f"Stages are passed in order: the next one is {names['order']}."
    )
    assert ids["order"] not in blocked.get(ids["qualification"], {})  # going back is allowed


def test_the_board_blocks_nothing_for_a_manual_kind(manual):
    assert board_blocked_moves(manual, list(manual.stages.all())) == {}


def test_the_card_offers_the_next_stage_and_disables_the_others(browser_as, deal, strict):
    page = browser_as("owner").get(f"/deals/{deal.pk}/").content.decode()

    options = re.findall(r'<button class="button[^"]*"[^>]*data-testid="move-option"[^>]*>', page)
    assert len(options) == 6
    primary = [o for o in options if "data-primary" in o]
    assert len(primary) == 1
    assert 'aria-disabled="true"' in primary[0]  # the required tasks are not done yet
    assert (
        'title="Name at least one contact person of the client on the deal. '
        'Finish the required tasks of the current stage first."' in primary[0]
    )
    skipping = [o for o in options if "passed in order" in o]
    assert len(skipping) == 5
    assert all('aria-disabled="true"' in o and 'type="button"' in o for o in skipping)
    assert 'data-testid="deal-win"' not in page
    won = stage(strict, "won").name
    assert f'data-testid="move-option">{won}</button>' in page  # in the menu, disabled
    for code in strict.stages.values_list("code", flat=True):  # names, never stage codes
        assert f">{code}<" not in page and f"({code}" not in page


def test_the_card_offers_the_ready_next_stage_as_a_submit(browser_as, deal, owner, contacts):
    tasks_done(deal)
    services.deal_update(deal=deal, expected_version=None, by=owner, contacts=[contacts["buyer"]])

    page = browser_as("owner").get(f"/deals/{deal.pk}/").content.decode()

    needs = stage(deal.kind, "needs")
    assert (
        f'<button class="button primary" type="submit" name="stage" value="{needs.pk}" '
        'data-testid="move-option" data-primary>' in page
    )
    assert f"Ready for «{needs.name}»." in page


def test_a_non_process_deal_shows_won(browser_as, deal_factory, non_process):
    deal = deal_factory(kind=non_process)

    page = browser_as("owner").get(f"/deals/{deal.pk}/").content.decode()

    assert 'data-testid="deal-win"' in page
    assert 'data-testid="stage-menu"' not in page


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_board_carries_the_blocked_columns(browser_as, deal, strict, actors, language):
    from ladoga.accounts.services import user_language_set

    user_language_set(user=actors["owner"], language=language)

    page = browser_as("owner").get(f"/deals/board/{strict.pk}/").content.decode()

    qualification = stage(strict, "qualification")
    assert f'data-stage-id="{qualification.pk}" data-version' in page
    assert page.count("data-blocked-from=") == 7  # six open columns and "Won"
    needs = stage(strict, "needs")
    assert f'data-next-from="{qualification.pk}"' in page
    assert f'data-stage-id="{needs.pk}" data-blocked-from="{{}}"' in page


def test_opening_a_command_address_leads_to_the_deal_and_the_api_keeps_405(
    browser_as, api_as, deal
):
    for action in ("move", "win", "lose", "reopen", "probability", "parties/1/remove"):
        response = browser_as("owner").get(f"/deals/{deal.pk}/{action}/", follow=True)
        assert response.status_code == 200, action
        assert response.redirect_chain[-1] == (f"/deals/{deal.pk}/", 302), action
    assert api_as("owner").get(f"/api/v1/deals/{deal.pk}/move").status_code == 405
    assert Deal.objects.get(pk=deal.pk).status == "in_progress"
