"""The second, independent computation (issue 12): the demo data's figures recomputed in
plain Python over the raw rows — dates by the local calendar day instead of `bounds()`,
visibility and totals by hand, percentiles by the standard library — must agree with the
reports for an administrator, a head and a manager, with either comparison."""

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from ladoga import demo
from ladoga.accounts import access
from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.analytics.bottlenecks import bottlenecks
from ladoga.analytics.indicators import INDICATORS
from ladoga.analytics.managers import COMPANY, DEPARTMENT, managers_compare
from ladoga.claims.models import Claim
from ladoga.core.numbers import half_up, percent
from ladoga.core.periods import Period
from ladoga.deals.models import Deal, Stage, StageTransition
from ladoga.interactions.models import Interaction, Task
from ladoga.partners.models import Partner
from ladoga.sales.models import Payment, Shipment

# "past_norm" is the strategy report's rule, recomputed by hand in
# tests/analytics/clients/test_recompute_demo.py and tied to it in test_past_norm.py.
ALL = [code for code in INDICATORS if code != "past_norm"]


def local_day(moment):
    return timezone.localtime(moment).date() if moment else None


class Raw:
    """Every row the indicators read, fetched once, unaggregated."""

    def __init__(self):
        self.partner_manager = dict(Partner.objects.values_list("pk", "manager_id"))
        self.partners = list(
            Partner.objects.values(
                "manager_id", "created_at", "is_client", "is_potential_client", "merged_into_id"
            )
        )
        self.interactions = list(
            Interaction.objects.values(
                "responsible_id",
                "kind",
                "start",
                "created_at",
                "email_status",
                "review_status",
                "reviewed_at",
                "review_after",
            )
        )
        self.tasks = list(Task.objects.values("assignee_id", "due_date", "status", "completed_at"))
        self.deals = list(
            Deal.objects.values(
                "manager_id", "opened_on", "closed_at", "status", "currency", "amount"
            )
        )
        self.shipments = list(Shipment.objects.values("partner_id", "date", "currency", "total"))
        self.payments = list(
            Payment.objects.values("partner_id", "date", "invoice__currency", "amount")
        )
        self.claims = list(
            Claim.objects.values(
                "culprit_employee_id",
                "date",
                "partner_id",
                "responsible_id",
                "culprit_department_id",
            )
        )
        self.department_of = dict(User.objects.values_list("pk", "department_id"))


def claim_visible(raw: Raw, claim: dict, user) -> bool:
    """claims.access_rules, restated: the partner's manager, the responsible, their heads;
    a head also sees the claims against their departments."""
    if user.role == Role.ADMIN:
        return True
    owners = {raw.partner_manager.get(claim["partner_id"]), claim["responsible_id"]}
    if user.pk in owners:
        return True
    if user.role == Role.HEAD:
        units = access.department_ids_of(user)
        return (
            any(raw.department_of.get(o) in units for o in owners if o)
            or claim["culprit_department_id"] in units
        )
    return False


def parts(raw: Raw, period: Period, user) -> dict[int, dict[str, Decimal | int]]:
    """Per manager id, every part summed in plain Python."""
    now = timezone.now()
    inside = period.__contains__
    found: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for p in raw.partners:
        if (
            p["manager_id"]
            and inside(local_day(p["created_at"]))
            and (p["is_client"] or p["is_potential_client"])
            and not p["merged_into_id"]
        ):
            found[p["manager_id"]]["new_clients"] += 1
    for i in raw.interactions:
        who = found[i["responsible_id"]]
        if (
            i["start"]
            and inside(local_day(i["start"]))
            and i["start"] < now
            and not (i["kind"] == "email" and i["email_status"] == "draft")
        ):
            who["interactions"] += 1
            who[
                {"call": "calls", "email": "emails", "meeting": "meetings"}.get(i["kind"], "-")
            ] += 1
        begun = local_day(i["start"] or i["created_at"]) <= period.end
        waiting = i["review_status"] == "not_reviewed" or (
            i["reviewed_at"] and local_day(i["reviewed_at"]) > period.end
        )
        deferred = i["review_after"] and i["review_after"] > period.end
        if begun and waiting and not deferred:
            who["unprocessed"] += 1
    for t in raw.tasks:
        late = t["due_date"] and t["due_date"] < period.end
        undone = t["status"] == "open" or (
            t["status"] == "done"
            and t["completed_at"]
            and local_day(t["completed_at"]) > period.end
        )
        if late and undone:
            found[t["assignee_id"]]["overdue_tasks"] += 1
    for d in raw.deals:
        who = found[d["manager_id"]]
        who["opened"] += inside(d["opened_on"])
        if d["closed_at"] and inside(local_day(d["closed_at"])):
            who[d["status"]] += 1
            if d["status"] == "won" and d["currency"] == "RUB" and d["amount"] is not None:
                who["won_amount"] += d["amount"]
                who["won_priced"] += 1
    for s in raw.shipments:
        if inside(s["date"]) and s["currency"] == "RUB":
            found[raw.partner_manager[s["partner_id"]]]["revenue"] += s["total"]
    for p in raw.payments:
        if inside(p["date"]) and p["invoice__currency"] == "RUB":
            found[raw.partner_manager[p["partner_id"]]]["payments"] += p["amount"]
    for c in raw.claims:
        if c["culprit_employee_id"] and inside(c["date"]) and claim_visible(raw, c, user):
            found[c["culprit_employee_id"]]["claims"] += 1
    return found


def values(p: dict) -> dict:
    won, lost = p["won"], p["lost"]
    return {
        "new_clients": p["new_clients"],
        "interactions": p["interactions"],
        "calls": p["calls"],
        "emails": p["emails"],
        "meetings": p["meetings"],
        "deals_opened": p["opened"],
        "deals_won": won,
        "deals_lost": lost,
        "won_amount": half_up(p["won_amount"]),
        "average_won": half_up(p["won_amount"] / p["won_priced"]) if p["won_priced"] else None,
        "win_rate": percent(won, won + lost),
        "revenue": half_up(p["revenue"]),
        "payments": half_up(p["payments"]),
        "overdue_tasks": p["overdue_tasks"],
        "unprocessed": p["unprocessed"],
        "claims": p["claims"],
    }


def summed(found: dict, ids: list[int]) -> dict:
    total: dict = defaultdict(int)
    for pk in ids:
        for name, value in found[pk].items():
            total[name] += value
    return total


def check(raw: Raw, user, period: Period, comparison: str) -> int:
    result = managers_compare(
        user=user, period=period, compared=period.compared(comparison), indicators=ALL
    )
    checked = 0
    for side, when in (("now", result.period), ("then", result.compared)):
        found = parts(raw, when, user)
        members: list[int] = []
        everyone: list[int] = []
        for line in result.lines:
            if line.level == 0:
                members.append(line.manager_id)
                everyone.append(line.manager_id)
                expected = values(summed(found, [line.manager_id]))
            elif line.level == DEPARTMENT:
                expected, members = values(summed(found, members)), []
            else:
                assert line.level == COMPANY
                expected = values(summed(found, everyone))
            assert getattr(line, side) == expected, (line.label, side)
            checked += 1
    return checked


def comparison_agrees(raw: Raw) -> None:
    admin = User.objects.get(username="admin")
    head = User.objects.filter(role=Role.HEAD).order_by("username").first()
    manager = User.objects.filter(role=Role.MANAGER).order_by("username").first()
    today = timezone.localdate()
    year = Period(today - datetime.timedelta(days=364), today)
    quarter = Period(today - datetime.timedelta(days=89), today)

    checked = 0
    for user in (admin, head, manager):
        for period, comparison in ((year, "last_year"), (quarter, "previous")):
            checked += check(raw, user, period, comparison)

    assert checked > 40
    # the demo's spread: better and worse managers than a year ago
    result = managers_compare(user=admin, period=year, compared=year.previous(), indicators=ALL)
    changes = [line.now["deals_won"] - line.then["deals_won"] for line in result.managers]
    assert any(c > 0 for c in changes) and any(c < 0 for c in changes)


def stays(period: Period, user, now) -> dict[int, list]:
    """Stage id -> [(deal id, days, returned, lost)] for the stays begun in the period."""
    visible_deals = set(access.visible(Deal.objects.all(), user).values_list("pk", flat=True))
    stages = {s.pk: s for s in Stage.objects.all()}
    steps = defaultdict(list)
    for row in StageTransition.objects.values("deal_id", "action", "to_stage_id", "at", "id"):
        if row["deal_id"] in visible_deals:
            steps[row["deal_id"]].append(row)
    found = defaultdict(list)
    for deal_id, rows in steps.items():
        rows.sort(key=lambda r: (r["at"], r["id"]))
        for index, row in enumerate(rows):
            stage = stages.get(row["to_stage_id"])
            if (
                stage is None
                or stage.outcome != "open"
                or not period.__contains__(local_day(row["at"]))
            ):
                continue
            after = rows[index + 1] if index + 1 < len(rows) else None
            left = after["at"] if after else now
            target = stages.get(after["to_stage_id"]) if after else None
            back = bool(target and target.outcome == "open" and target.position < stage.position)
            lost = bool(after and after["action"] == "lost")
            days = Decimal((left - row["at"]).total_seconds()) / 86400
            found[stage.pk].append((deal_id, days, back, lost))
    return found


def bottlenecks_agree() -> None:
    now = timezone.now()
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=364), today)
    checked = 0
    for user in (
        User.objects.get(username="admin"),
        User.objects.filter(role=Role.MANAGER).order_by("username").first(),
    ):
        result = bottlenecks(user=user, period=period, now=now)
        expected = stays(period, user, now)
        for figures in result.stages:
            rows = expected.get(figures.stage_id, [])
            days = [r[1] for r in rows]
            deals = {r[0] for r in rows}
            p90 = (
                statistics.quantiles(days, n=10, method="inclusive")[8]
                if len(days) > 1
                else (days[0] if days else None)
            )
            assert (
                figures.entered_count,
                figures.median_days,
                figures.p90_days,
                figures.returned_share,
                figures.lost_share,
            ) == (
                len(deals),
                half_up(statistics.median(days), 1) if days else None,
                half_up(p90, 1),
                percent(len({r[0] for r in rows if r[2]}), len(deals)),
                percent(len({r[0] for r in rows if r[3]}), len(deals)),
            ), figures.stage
            checked += bool(rows)
    assert checked > 5


def test_reports_agree_with_plain_python_on_the_demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    demo.demo_fill(size=20, seed=5, progress=False)

    comparison_agrees(Raw())
    bottlenecks_agree()
