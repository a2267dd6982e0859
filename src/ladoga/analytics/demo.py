"""Demo managers who differ year on year (`ladoga demo`, issue 12.8).

After the domains' steps, each sales manager gets a trend: half of them (drawn with the
demo's seed) did clearly better in the last twelve months than in the twelve before, the
others clearly worse. The step adds, in the better or the worse year, won deals of the
non-process kind (with their created → won history) and calls with the manager's clients,
so the manager comparison with "the same period last year" has a spread to show. Rows are
written in bulk: the step takes well under a second at the default size.
"""

import datetime
import math
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from ladoga.accounts.roles import Role
from ladoga.core.models import DocumentSequence
from ladoga.deals import funnel
from ladoga.deals.models import (
    Deal,
    DealAction,
    DealKind,
    DealStatus,
    ProcessType,
    StageTransition,
)
from ladoga.interactions.models import Interaction, InteractionKind, ReviewStatus
from ladoga.partners.models import Partner

BETTER, WORSE = "better", "worse"


def trends(ctx) -> dict[int, str]:
    """Manager id -> "better" or "worse" this year, half and half, the same for a seed."""
    managers = sorted(ctx.users.get(Role.MANAGER, []), key=lambda m: m.pk)
    marks = [BETTER if i % 2 == 0 else WORSE for i in range(len(managers))]
    ctx.rng.shuffle(marks)
    return {m.pk: mark for m, mark in zip(managers, marks, strict=True)}


def _next_numbers(years: set[int]) -> dict[int, int]:
    found = dict(
        DocumentSequence.objects.filter(kind="DL", year__in=years).values_list("year", "last")
    )
    return {year: found.get(year, 0) for year in years}


def _yearly(rows, who: str, when: str, now) -> dict[int, tuple[int, int]]:
    """Per person: (rows in the last twelve months, rows in the twelve before)."""
    year = datetime.timedelta(days=365)
    found = (
        rows.filter(**{f"{when}__gte": now - 2 * year, f"{when}__lt": now})
        .order_by()
        .values(who)
        .annotate(
            recent=Count("id", filter=Q(**{f"{when}__gte": now - year})),
            before=Count("id", filter=Q(**{f"{when}__lt": now - year})),
        )
    )
    return {row[who]: (row["recent"], row["before"]) for row in found}


def _shortfall(counts: tuple[int, int] | None, mark: str, extra: int) -> int:
    """How many rows to add to the better year so it beats the other by a quarter."""
    recent, before = counts or (0, 0)
    better, worse = (recent, before) if mark == BETTER else (before, recent)
    return max(extra, math.ceil(worse * 1.25) + extra - better)


def demo_manager_trends(ctx) -> None:
    """The managers step of `ladoga demo` (ctx: ladoga.demo.DemoContext)."""
    kind = DealKind.objects.filter(process_type=ProcessType.NON_PROCESS).order_by("pk").first()
    marks = trends(ctx)
    if kind is None or not marks:
        return
    rng, now = ctx.rng, timezone.now()
    clients: dict[int, list[Partner]] = {}
    for partner in ctx.lively(
        Partner.objects.filter(is_client=True, status="active", manager_id__in=marks)
    ).order_by("pk"):
        clients.setdefault(partner.manager_id, []).append(partner)
    extra = 3 + ctx.activity_size // 20
    year = datetime.timedelta(days=365)
    won = _yearly(Deal.objects.filter(status=DealStatus.WON), "manager_id", "closed_at", now)
    talks = _yearly(Interaction.objects.all(), "responsible_id", "start", now)
    plans = []  # (manager id, partner, closed at)
    calls = []
    for manager_id, mark in marks.items():
        if manager_id not in clients:
            continue
        # the better year (the last twelve months, else the twelve before) ends a quarter
        # above the other one, whatever the deals step drew
        offset = datetime.timedelta(0) if mark == BETTER else year
        for _ in range(_shortfall(won.get(manager_id), mark, extra)):
            closed = now - offset - datetime.timedelta(days=rng.randint(5, 360))
            plans.append((manager_id, rng.choice(clients[manager_id]), closed))
        for _ in range(_shortfall(talks.get(manager_id), mark, extra * 3)):
            start = (
                now - offset - datetime.timedelta(days=rng.randint(1, 364), hours=rng.randint(0, 8))
            )
            partner = rng.choice(clients[manager_id])
            calls.append(
                Interaction(
                    kind=InteractionKind.CALL,
                    title="Звонок клиенту",
                    start=start,
                    responsible_id=manager_id,
                    partner_id=partner.pk,
                    subject_type="partners.partner",
                    subject_id=partner.pk,
                    review_status=ReviewStatus.REVIEWED,
                    reviewed_at=start + datetime.timedelta(hours=1),
                )
            )
    plans.sort(key=lambda plan: plan[2])
    last = _next_numbers({timezone.localtime(p[2]).year for p in plans})
    deals, opened_at = [], []
    for manager_id, partner, closed in plans:
        opened = closed - datetime.timedelta(days=rng.randint(1, 20))
        opened_on = timezone.localtime(opened).date()
        last.setdefault(opened_on.year, 0)
        last[opened_on.year] += 1
        amount = Decimal(round(rng.lognormvariate(math.log(40_000), 0.6), -3) or 1000)
        opened_at.append(opened)
        deals.append(
            Deal(
                number=f"DL-{opened_on.year}-{last[opened_on.year]:06d}",
                name="Повторная поставка",
                partner=partner,
                manager_id=manager_id,
                kind=kind,
                status=DealStatus.WON,
                amount=amount,
                opened_on=opened_on,
                stage_entered_at=closed,
                closed_at=closed,
                expected_close_date=timezone.localtime(closed).date(),
            )
        )
    deals = Deal.objects.bulk_create(deals, batch_size=2000)
    for year, value in last.items():
        if not DocumentSequence.objects.filter(kind="DL", year=year).update(last=value):
            DocumentSequence.objects.create(kind="DL", year=year, last=value)
    StageTransition.objects.bulk_create(
        [
            row
            for deal, opened in zip(deals, opened_at, strict=True)
            for row in (
                StageTransition(
                    deal=deal,
                    action=DealAction.CREATED,
                    to_status=DealStatus.IN_PROGRESS,
                    by_id=deal.manager_id,
                    at=opened,
                ),
                StageTransition(
                    deal=deal,
                    action=DealAction.WON,
                    from_status=DealStatus.IN_PROGRESS,
                    to_status=DealStatus.WON,
                    by_id=deal.manager_id,
                    at=deal.closed_at,
                ),
            )
        ],
        batch_size=2000,
    )
    made = Interaction.objects.bulk_create(calls, batch_size=2000)
    Interaction.objects.filter(pk__in=[i.pk for i in made]).update(thread_id=F("id"))
    funnel.rebuild(kind_ids=[kind.pk])
