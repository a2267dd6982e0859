"""The reports against a second, independent computation in plain Python over the raw
rows of the demo data (`ladoga demo` at a small size): the same figures, for an
administrator and for a manager. Runs on SQLite and on PostgreSQL alike."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from ladoga import demo
from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.analytics.dossier import dossier_of
from ladoga.analytics.models import ClassificationRun, ClientClassification
from ladoga.analytics.monitoring import deal_monitoring, monitoring_summary
from ladoga.analytics.strategy import clients_past_norm
from ladoga.deals.models import AlertSignal, Deal, DealKind, Stage
from ladoga.deals.queries import deals_visible_to
from ladoga.interactions.models import ContactNorm, Interaction, Task
from ladoga.partners.models import Partner
from ladoga.sales.models import Shipment


@pytest.fixture
def demo_data(db, settings, tmp_path):
    settings.HOME = tmp_path
    demo.demo_fill(size=12, seed=5, progress=False)


def _local(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def monitoring_by_hand(on: datetime.date, manager_ids: set[int] | None) -> set[tuple]:
    stall = dict(DealKind.objects.values_list("pk", "stall_days"))
    norms = dict(Stage.objects.values_list("pk", "norm_days"))
    last_touch: dict[int, datetime.date] = {}
    end = on + datetime.timedelta(days=1)
    for deal_id, start in Interaction.objects.filter(subject_type="deals.deal").values_list(
        "subject_id", "start"
    ):
        if start is not None and _local(start) < end:
            day = _local(start)
            last_touch[deal_id] = max(day, last_touch.get(deal_id, day))
    found = set()
    open_deals = {}
    for row in Deal.objects.values(
        "pk",
        "status",
        "kind_id",
        "stage_id",
        "manager_id",
        "stage_entered_at",
        "expected_close_date",
    ):
        if row["status"] != "in_progress":
            continue
        if manager_ids is not None and row["manager_id"] not in manager_ids:
            continue
        open_deals[row["pk"]] = row
        entered = _local(row["stage_entered_at"])
        if stall[row["kind_id"]]:
            quiet_since = max(entered, last_touch.get(row["pk"], entered))
            over = (on - quiet_since).days - stall[row["kind_id"]]
            if over > 0:
                found.add(("stalled", row["pk"], over))
        if row["stage_id"] and norms[row["stage_id"]]:
            over = (on - entered).days - norms[row["stage_id"]]
            if over > 0:
                found.add(("stage_norm", row["pk"], over))
        if row["expected_close_date"] and row["expected_close_date"] < on:
            found.add(("close_date", row["pk"], (on - row["expected_close_date"]).days))
    for subject_id, due, status, subject_type in Task.objects.values_list(
        "subject_id", "due_date", "status", "subject_type"
    ):
        overdue = due is not None and due < on
        if (
            subject_type == "deals.deal"
            and subject_id in open_deals
            and status == "open"
            and overdue
        ):
            found.add(("task_overdue", subject_id, (on - due).days))
    return found


def strategy_by_hand(on: datetime.date, manager_ids: set[int] | None) -> dict[int, int]:
    members = defaultdict(set)
    for partner_id, segment_id in Partner.segments.through.objects.values_list(
        "partner_id", "segment_id"
    ):
        members[segment_id].add(partner_id)
    contacts = defaultdict(list)
    for row in Interaction.objects.values(
        "partner_id", "kind", "responsible_id", "start", "email_status"
    ):
        counted = row["start"] and _local(row["start"]) <= on and row["email_status"] != "draft"
        if row["partner_id"] and counted:
            contacts[row["partner_id"]].append(row)
    worst: dict[int, int] = {}
    clients = [
        p
        for p in Partner.objects.values("pk", "is_client", "status", "manager_id", "created_at")
        if p["is_client"]
        and p["status"] == "active"
        and p["manager_id"]
        and (manager_ids is None or p["manager_id"] in manager_ids)
    ]
    # the demo classifies its clients: a class norm reads the latest run's classes
    latest = (
        ClassificationRun.objects.filter(finished_at__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    classes = {
        partner_id: (abc, xyz)
        for partner_id, abc, xyz in ClientClassification.objects.filter(run_id=latest).values_list(
            "partner_id", "abc", "xyz"
        )
    }
    for norm in ContactNorm.objects.filter(is_active=True):
        for p in clients:
            if norm.segment_id:
                if p["pk"] not in members[norm.segment_id]:
                    continue
            else:
                abc, xyz = classes.get(p["pk"], ("", ""))
                if abc != norm.abc or (norm.xyz and xyz != norm.xyz):
                    continue
            days = [
                _local(c["start"])
                for c in contacts[p["pk"]]
                if c["kind"] in norm.kinds
                and (norm.counted == "anyone" or c["responsible_id"] == p["manager_id"])
            ]
            since = max(days) if days else _local(p["created_at"])
            over = (on - since).days - norm.days
            if over > 0:
                worst[p["pk"]] = max(over, worst.get(p["pk"], 0))
    return worst


def _people():
    admin = User.objects.filter(role=Role.ADMIN).first()
    manager = User.objects.filter(role=Role.MANAGER, deals__status="in_progress").distinct().first()
    return admin, manager


def test_the_reports_agree_with_the_plain_recomputation_on_the_demo(demo_data):
    """One demo, three reports: monitoring today, strategy in 40 days (so that norms are
    due), the dossier's revenue by month."""
    monitoring_agrees()
    strategy_agrees()
    dossier_revenue_agrees()


def monitoring_agrees():
    on = timezone.localdate()
    admin, manager = _people()

    for user, scope in ((admin, None), (manager, {manager.pk})):
        result = deal_monitoring(user=user, on=on)
        computed = {(x.signal, x.deal_id, x.days_overdue) for x in result.lines}
        assert computed == monitoring_by_hand(on, scope)
        assert len(result.lines) == len(computed)
        summary = monitoring_summary(deals_visible_to(user=user), on=on, rows=6)
        by_signal = Counter(signal for signal, _deal, _days in computed)
        assert summary.counts == {signal: by_signal[signal] for signal in AlertSignal.values}
        most_overdue = sorted((days for _signal, _deal, days in computed), reverse=True)[:6]
        assert [x.days_overdue for x in summary.top] == most_overdue
        assert {(x.signal, x.deal_id, x.days_overdue) for x in summary.top} <= computed
    assert deal_monitoring(user=admin, on=on).lines  # the demo norms give it content


def strategy_agrees():
    on = timezone.localdate() + datetime.timedelta(days=40)
    admin, manager = _people()

    for user, scope in ((admin, None), (manager, {manager.pk})):
        rows = clients_past_norm(user=user, on=on)
        assert {r.partner_id: r.days_overdue for r in rows} == strategy_by_hand(on, scope)


def dossier_revenue_agrees():
    on = timezone.localdate()
    admin, _ = _people()
    partner_id = Shipment.objects.values_list("partner_id", flat=True).order_by("-date").first()

    found = dossier_of(partner_id=partner_id, user=admin, on=on)

    by_month = defaultdict(Decimal)
    for day, total in Shipment.objects.filter(partner_id=partner_id).values_list("date", "total"):
        by_month[day.replace(day=1)] += total
    assert {r["month"]: r["revenue"] for r in found.revenue_by_month} == {
        r["month"]: by_month.get(r["month"], Decimal("0")).quantize(Decimal("0.01"))
        for r in found.revenue_by_month
    }
    assert found.revenue_total > 0
