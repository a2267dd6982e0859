"""Moving deals through their stages (D1, D3, D4, D8): guards, skipping, history, tasks."""

from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.deals import services
from ladoga.deals.errors import DealStageBlocked
from ladoga.deals.models import DealAction, DealStageTask, DealStatus, StageReach, StageTransition
from ladoga.deals.workdays import add_working_days
from ladoga.interactions.models import Task

from .conftest import counts, stage, tasks_done


def test_a_new_deal_starts_at_the_first_stage_with_a_number_history_and_its_tasks(deal, owner):
    assert deal.number.startswith(f"DL-{timezone.localdate().year}-")
    assert deal.stage.code == "qualification"
    assert deal.status == DealStatus.IN_PROGRESS
    [created] = StageTransition.objects.filter(deal=deal)
    assert (created.action, created.from_stage, created.to_stage, created.by) == (
        DealAction.CREATED,
        None,
        deal.stage,
        owner,
    )
    assert StageReach.objects.filter(deal=deal, stage=deal.stage).exists()
    [task] = Task.objects.filter(subject_type="deals.deal", subject_id=deal.pk)
    assert task.assignee == owner
    assert task.required
    assert task.due_date == add_working_days(timezone.localdate(), 2)
    assert DealStageTask.objects.get(task=task).stage == deal.stage


def test_strict_deal_cannot_enter_proposal_without_agreement(deal, advance, owner):
    deal = advance(deal, "client_classified")
    deal = services.deal_update(deal=deal, expected_version=None, by=owner, agreement=None)
    before = counts()

    with pytest.raises(DealStageBlocked) as error:
        services.deal_move(deal=deal, stage=stage(deal.kind, "proposal"), by=owner)

    assert error.value.codes == ["deal_agreement_missing"]
    deal.refresh_from_db()
    assert deal.stage.code == "client_classified"
    assert counts() == before


def test_a_typical_agreement_of_a_segment_the_client_is_not_in_does_not_classify_it(
    deal, advance, owner, agreement
):
    """Issue 17 #5: the agreement must apply to the deal's client (sales rules)."""
    from ladoga.partners.services import segment_create

    deal = advance(deal, "client_classified")
    wholesale = segment_create(name="Wholesale")
    agreement.segments.add(wholesale)
    before = counts()

    with pytest.raises(DealStageBlocked) as error:
        services.deal_move(deal=deal, stage=stage(deal.kind, "proposal"), by=owner)

    assert error.value.codes == ["deal_agreement_missing"]
    deal.refresh_from_db()
    assert deal.stage.code == "client_classified"
    assert counts() == before

    deal.partner.segments.add(wholesale)
    moved = services.deal_move(deal=deal, stage=stage(deal.kind, "proposal"), by=owner)
    assert moved.stage.code == "proposal"


def test_a_refused_move_lists_every_unmet_guard(deal, advance, owner, draft_agreement):
    deal = advance(deal, "client_classified")
    deal = services.deal_update(
        deal=deal, expected_version=None, by=owner, agreement=draft_agreement, amount=None
    )
    version, before = deal.version, counts()

    with pytest.raises(DealStageBlocked) as error:
        services.deal_move(deal=deal, stage=stage(deal.kind, "proposal"), by=owner)

    assert error.value.codes == ["deal_agreement_missing", "deal_amount_date_missing"]
    assert error.value.status == 422
    deal.refresh_from_db()
    assert (deal.stage.code, deal.version) == ("client_classified", version)
    assert counts() == before


def test_skipping_a_stage_of_a_strict_kind_is_refused_with_the_guards_too(deal, owner):
    before = counts()

    with pytest.raises(DealStageBlocked) as error:
        services.deal_move(deal=deal, stage=stage(deal.kind, "client_classified"), by=owner)

    # skipped "needs"; no agreement; qualification's required task still open
    assert error.value.codes == ["deal_stage_skipped", "deal_agreement_missing", "deal_tasks_open"]
    deal.refresh_from_db()
    assert deal.stage.code == "qualification"
    assert counts() == before


def test_a_stage_asks_its_required_tasks_done_before_leaving(deal, owner, contacts):
    services.deal_update(deal=deal, expected_version=None, by=owner, contacts=[contacts["buyer"]])

    with pytest.raises(DealStageBlocked) as error:
        services.deal_move(deal=deal, stage=stage(deal.kind, "needs"), by=owner)
    assert error.value.codes == ["deal_tasks_open"]

    tasks_done(deal)
    moved = services.deal_move(deal=deal, stage=stage(deal.kind, "needs"), by=owner)
    assert moved.stage.code == "needs"


def test_a_stage_of_another_kind_is_refused(deal, manual, owner):
    before = counts()

    with pytest.raises(ValidationFailed) as error:
        services.deal_move(deal=deal, stage=stage(manual, "pilot"), by=owner)

    assert error.value.codes == ["deal_stage_other_kind"]
    deal.refresh_from_db()
    assert deal.stage.code == "qualification"
    assert counts() == before


def test_moving_to_the_stage_it_is_at_is_a_conflict(deal, owner):
    with pytest.raises(Conflict) as error:
        services.deal_move(deal=deal, stage=deal.stage, by=owner)
    assert error.value.codes == ["deal_stage_same"]


def test_a_move_records_history_reach_and_the_new_stage_tasks(deal, advance, owner, actors):
    deal = advance(deal, "negotiation")

    steps = list(deal.transitions.values_list("action", "from_stage__code", "to_stage__code"))
    assert steps == [
        ("created", None, "qualification"),
        ("moved", "qualification", "needs"),
        ("moved", "needs", "client_classified"),
        ("moved", "client_classified", "proposal"),
        ("moved", "proposal", "negotiation"),
    ]
    assert StageReach.objects.filter(deal=deal).count() == 5
    negotiation_tasks = Task.objects.filter(
        deal_stage_link__deal=deal, deal_stage_link__stage__code="negotiation"
    )
    # one for the manager, one for the head of the manager's department (a role)
    assert {t.assignee for t in negotiation_tasks} == {owner, actors["head"]}


def test_strict_deal_can_go_back_to_an_earlier_stage(deal, advance, owner):
    deal = advance(deal, "proposal")
    tasks_done(deal)

    back = services.deal_move(deal=deal, stage=stage(deal.kind, "needs"), by=owner)

    assert back.stage.code == "needs"
    assert StageReach.objects.filter(deal=deal, stage__code="needs").count() == 1


def test_a_manual_kind_goes_to_any_stage_without_guards(deal_factory, manual, owner):
    deal = deal_factory(kind=manual, stage=stage(manual, "tender"))
    deal = services.deal_move(deal=deal, stage=stage(manual, "lead"), by=owner)
    deal = services.deal_move(deal=deal, stage=stage(manual, "contract"), by=owner)
    won = services.deal_win(deal=deal, by=owner)

    assert won.status == DealStatus.WON
    assert won.stage.code == "won"


def test_a_strict_deal_starts_only_at_the_first_stage(deal_factory, strict):
    with pytest.raises(ValidationFailed) as error:
        deal_factory(kind=strict, stage=stage(strict, "proposal"))
    assert error.value.codes == ["deal_stage_skipped"]


def test_a_non_process_deal_has_no_stage_and_is_won_directly(deal_factory, non_process, owner):
    deal = deal_factory(kind=non_process, amount=Decimal("10.00"))
    assert deal.stage is None

    won = services.deal_win(deal=deal, by=owner)

    assert (won.status, won.stage) == (DealStatus.WON, None)
    assert list(won.transitions.values_list("action", flat=True)) == ["created", "won"]


def test_moving_to_the_lost_stage_needs_the_lose_command(deal, owner):
    with pytest.raises(ValidationFailed) as error:
        services.deal_move(deal=deal, stage=stage(deal.kind, "lost"), by=owner)
    assert error.value.codes == ["deal_loss_reason_required"]


def test_a_stale_version_is_refused(deal, owner):
    from ladoga.core.errors import StaleVersion

    with pytest.raises(StaleVersion):
        services.deal_move(
            deal=deal, stage=stage(deal.kind, "needs"), by=owner, expected_version=deal.version - 1
        )
