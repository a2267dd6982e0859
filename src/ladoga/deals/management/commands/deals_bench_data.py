"""`ladoga manage deals_bench_data`: the large dataset of the deals benchmarks.

Adds a strict kind "Benchmark sale" (the stages, guards and tasks of the typical sale) with
`--deals` deals over two years — about five stage moves each — of which `--open` are in
progress, and one deal ready to be moved back and forth between two guarded stages.
Runs on top of `ladoga demo` (its clients and agreements) and is idempotent: a second run
finds the data and only prints it. Prints one line of JSON: the ids the scenarios need and
the counts (deals, open deals, stage moves)."""

import json
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ladoga.partners.models import ContactPerson, Partner
from ladoga.partners.services import contact_create
from ladoga.sales.models import Agreement

from ... import funnel, services
from ...demo import generate
from ...models import (
    Deal,
    DealAction,
    DealKind,
    DealStatus,
    LossReason,
    ProcessType,
    StageOutcome,
    StageReach,
    StageTransition,
)
from ...probability import probabilities_recompute

NAME = "Benchmark sale"
CHUNK = 10_000
# Hesitant clients: a deal goes back a stage now and then, so 200,000 deals make about a
# million stage moves.
RETURNS = 0.45


class Command(BaseCommand):
    help = "Fill the database with the deals benchmark dataset (after `ladoga demo`)."

    def add_arguments(self, parser):
        parser.add_argument("--deals", type=int, default=200_000)
        parser.add_argument("--open", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, deals: int, open: int, seed: int, **options):
        rng = random.Random(seed)
        typical = DealKind.objects.filter(process_type=ProcessType.STRICT).order_by("pk").first()
        clients = list(
            Partner.objects.filter(is_client=True, status="active", manager__isnull=False)
            .select_related("manager")
            .order_by("pk")
        )
        if typical is None or not clients:
            raise CommandError("run `ladoga demo` first: the benchmark needs its clients")
        kind = DealKind.objects.filter(name=NAME).first()
        started = time.perf_counter()
        if kind is None:
            kind = services.deal_kind_create(
                name=NAME, process_type=ProcessType.STRICT, stages=services.kind_specs(typical)
            )
        in_progress = Deal.objects.filter(kind=kind, status=DealStatus.IN_PROGRESS)

        # Two years of history; then, if too few deals are open, some opened in the last
        # days; if too many, the longest-stalled ones are closed as lost, as a sales head
        # clearing the pipeline would.
        def total() -> int:
            return Deal.objects.filter(kind=kind).count()

        def missing_open() -> int:
            short = open - in_progress.count()
            return int(short * 1.3) + 10 if short > 0 else 0

        self._fill(kind, clients, rng, remaining=lambda: deals - total())
        self._fill(kind, clients, rng, remaining=missing_open, days=4)
        self._close_surplus(kind, keep=open)
        funnel.rebuild(kind_ids=[kind.pk])
        probabilities_recompute(kind=kind)
        mover = self._mover(kind, clients)
        stages = {s.code: s.pk for s in kind.stages.all()}
        self.stdout.write(
            json.dumps(
                {
                    "kind": kind.pk,
                    "move_deal": mover.pk,
                    "move_stages": [stages["client_classified"], stages["needs"]],
                    "deals": Deal.objects.filter(kind=kind).count(),
                    "open": in_progress.count(),
                    "moves": StageTransition.objects.filter(deal__kind=kind).count(),
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
        )

    def _fill(self, kind, clients, rng, *, remaining, days: int = 730) -> None:
        while (count := remaining()) > 0:
            with transaction.atomic():
                generate(
                    rng=rng,
                    count=min(CHUNK, count),
                    kinds=[(kind, 1)],
                    clients=clients,
                    days=days,
                    with_tasks=False,
                    with_interactions=False,
                    recompute=False,
                    rebuild_funnel=False,
                    returns=RETURNS,
                )
            print(f"{Deal.objects.filter(kind=kind).count()} deals…", file=sys.stderr)

    @transaction.atomic
    def _close_surplus(self, kind: DealKind, *, keep: int) -> None:
        surplus = list(
            Deal.objects.filter(kind=kind, status=DealStatus.IN_PROGRESS)
            .order_by("stage_entered_at", "pk")
            .values_list("pk", "stage_id")[
                : max(
                    0, Deal.objects.filter(kind=kind, status=DealStatus.IN_PROGRESS).count() - keep
                )
            ]
        )
        if not surplus:
            return
        lost = kind.stages.get(outcome=StageOutcome.LOST)
        reason = LossReason.objects.order_by("pk").last()
        now = timezone.now()
        for start in range(0, len(surplus), CHUNK):
            part = surplus[start : start + CHUNK]
            StageTransition.objects.bulk_create(
                StageTransition(
                    deal_id=pk,
                    action=DealAction.LOST,
                    from_stage_id=stage_id,
                    to_stage=lost,
                    from_status=DealStatus.IN_PROGRESS,
                    to_status=DealStatus.LOST,
                    at=now,
                    loss_reason=reason,
                    comment="stalled",
                )
                for pk, stage_id in part
            )
            StageReach.objects.bulk_create(
                [StageReach(deal_id=pk, stage=lost, first_at=now) for pk, _ in part],
                ignore_conflicts=True,
            )
            for stage_id in {stage_id for _, stage_id in part}:
                Deal.objects.filter(pk__in=[pk for pk, s in part if s == stage_id]).update(
                    status=DealStatus.LOST,
                    stage=lost,
                    lost_at_stage_id=stage_id,
                    loss_reason=reason,
                    closed_at=now,
                    stage_entered_at=now,
                )

    @transaction.atomic
    def _mover(self, kind: DealKind, clients: list[Partner]) -> Deal:
        """A deal at "needs" that meets the guards of "needs" and "client classified"."""
        found = Deal.objects.filter(kind=kind, name="Benchmark mover").first()
        if found is not None:
            return found
        client = clients[0]
        contact = ContactPerson.objects.filter(partner=client).first() or contact_create(
            partner=client, last_name="Benchmark"
        )
        agreement = Agreement.objects.filter(status="active", kind="typical").order_by("pk").first()
        deal = services.deal_create(
            name="Benchmark mover",
            partner=client,
            kind=kind,
            manager=client.manager,
            contacts=[contact],
            agreement=agreement,
            by=None,
        )
        from ladoga.interactions.models import Task

        Task.objects.filter(subject_type="deals.deal", subject_id=deal.pk).update(status="done")
        return services.deal_move(deal=deal, stage=kind.stages.get(code="needs"), by=None)
