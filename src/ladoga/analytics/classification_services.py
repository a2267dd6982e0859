"""Writes of the client classification (SPEC A7, L3): the settings and the recomputation.

A recomputation reads the monthly totals of every client with ONE grouped query over the
shipments, classifies in Python (`classification_rules`) and stores a run with every
client's class in one bulk write (COPY on PostgreSQL). Revenue is counted from shipments
(sales.queries revenue_by_partner does the same); products carry no cost, so the basis is
revenue or the number of shipments, never gross profit.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ladoga.accounts.roles import Role
from ladoga.core.bulk import rows_insert
from ladoga.core.errors import Violation
from ladoga.interactions.services import notification_send
from ladoga.partners.models import Partner
from ladoga.sales.models import Shipment

from . import classification_rules as rules
from .errors import AnalyticsCode as C
from .errors import ClassificationSettingsInvalid
from .models import Basis, ClassificationRun, ClassificationSettings, ClientClassification

# The columns of a stored class, in the order the recomputation writes them.
CLASS_FIELDS = (
    "run",
    "partner",
    "abc",
    "xyz",
    "value",
    "revenue",
    "shipments",
    "share",
    "cumulative_share",
    "cv",
    "last_purchase",
    "recency",
    "frequency",
    "monetary",
    "rfm",
    "since",
    "previous",
    "previous_rfm",
)
HUNDRED = Decimal("100")
ZERO = Decimal("0")
MONTHS_MIN, MONTHS_MAX = 3, 36


def may_manage(user) -> bool:
    """Recomputing on demand and changing the thresholds are for administrators and heads."""
    return bool(user and user.is_authenticated and user.role in (Role.ADMIN, Role.HEAD))


def manage_check(user) -> None:
    if user is not None and not may_manage(user):
        raise PermissionDenied(_("Your role may not do this."))


def settings_current() -> ClassificationSettings:
    """The settings row (created with the defaults 80/15/5 %, 12 months, 10/25 % at first)."""
    found = ClassificationSettings.objects.order_by("pk").first()
    return found or ClassificationSettings.objects.create()


def settings_problems(
    *, basis: str, a_share, b_share, c_share, months: int, x_limit, y_limit, stopped_factor
) -> list[Violation]:
    """Everything wrong with a set of thresholds: the A, B and C shares are each above zero
    and add up to 100 %; X's limit is below Y's; 3 to 36 months; a known basis."""
    problems = []
    if basis not in Basis.values:
        problems.append(
            Violation(
                C.BASIS_UNKNOWN, _("The basis is revenue or the number of shipments."), "basis"
            )
        )
    shares = {"a_share": a_share, "b_share": b_share, "c_share": c_share}
    for field, value in shares.items():
        if value is None or Decimal(value) <= 0:
            problems.append(
                Violation(C.CLASS_SHARE_NOT_POSITIVE, _("Each class share is above zero."), field)
            )
    if (
        all(v is not None for v in shares.values())
        and sum((Decimal(v) for v in shares.values()), ZERO) != HUNDRED
    ):
        problems.append(
            Violation(
                C.CLASS_SHARES_NOT_100, _("The A, B and C shares add up to 100 %."), "c_share"
            )
        )
    if x_limit is None or y_limit is None or not (0 < Decimal(x_limit) < Decimal(y_limit)):
        problems.append(
            Violation(
                C.XYZ_LIMITS_ORDER,
                _("The X limit is above zero and below the Y limit."),
                "y_limit",
            )
        )
    if months is None or not (MONTHS_MIN <= int(months) <= MONTHS_MAX):
        problems.append(
            Violation(
                C.MONTHS_OUT_OF_RANGE,
                _("Demand is measured over %(low)s to %(high)s months.")
                % {"low": MONTHS_MIN, "high": MONTHS_MAX},
                "months",
            )
        )
    if stopped_factor is None or Decimal(stopped_factor) < 1:
        problems.append(
            Violation(
                C.STOPPED_FACTOR_INVALID,
                _("A client stops buying after at least one usual interval."),
                "stopped_factor",
            )
        )
    return problems


@transaction.atomic
def classification_settings_update(
    *,
    by,
    basis: str,
    a_share: Decimal,
    b_share: Decimal,
    c_share: Decimal,
    months: int,
    x_limit: Decimal,
    y_limit: Decimal,
    stopped_factor: Decimal = Decimal("3"),
) -> ClassificationSettings:
    """Change the thresholds. Raises ClassificationSettingsInvalid listing every problem;
    nothing is saved then."""
    values = {
        "basis": basis,
        "a_share": a_share,
        "b_share": b_share,
        "c_share": c_share,
        "months": months,
        "x_limit": x_limit,
        "y_limit": y_limit,
        "stopped_factor": stopped_factor,
    }
    manage_check(by)
    problems = settings_problems(**values)
    if problems:
        raise ClassificationSettingsInvalid(problems)
    current = settings_current()
    current = ClassificationSettings.objects.select_for_update().get(pk=current.pk)
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_by = by
    current.save()
    return current


def classification_period(months: int, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The `months` whole calendar months before the month of `on`."""
    end = on.replace(day=1) - datetime.timedelta(days=1)
    start = rules.months_between(end, months)[0]
    return start, end


def client_totals(start: datetime.date, end: datetime.date) -> list[tuple]:
    """(partner id, net total in kopecks, sum of the squares of its monthly totals in
    kopecks, shipments, last shipment day) of every client with shipments in [start, end]:
    one query grouping by month and then by client, read as plain rows. Kopecks are whole
    numbers, so totals are exact; so are the squares on PostgreSQL (numeric), while SQLite
    adds them as floating point, which cannot overflow and misses nothing a class depends
    on (its decimals are floating point in any case)."""
    table = connection.ops.quote_name(Shipment._meta.db_table)
    if connection.vendor == "postgresql":
        kopecks, month = "(SUM(total) * 100)::bigint", "date_trunc('month', date)"
        squares = "SUM(k::numeric * k)"
    else:
        kopecks, month = "SUM(CAST(ROUND(total * 100) AS INTEGER))", "strftime('%%Y-%%m', date)"
        squares = "TOTAL(k * 1.0 * k)"
    with connection.cursor() as cursor:
        sql = (
            f"SELECT partner_id, SUM(k), {squares}, SUM(n), MAX(last) FROM ("  # noqa: S608
            f"SELECT partner_id, {kopecks} AS k, COUNT(*) AS n, MAX(date) AS last "
            f"FROM {table} WHERE date >= %s AND date <= %s GROUP BY partner_id, {month}"
            f") monthly GROUP BY partner_id"
        )
        cursor.execute(sql, [start, end])
        return cursor.fetchall()


def _as_date(value) -> datetime.date:
    if isinstance(value, str):  # SQLite's raw rows
        return datetime.date.fromisoformat(value)
    return value.date() if isinstance(value, datetime.datetime) else value


def classify(
    rows: list[tuple], *, settings, start: datetime.date, end: datetime.date
) -> dict[int, dict]:
    """Every client's figures and classes from its totals (pure Python). Demand is measured
    over all the settings' months, a month without shipments counting as zero. Clients are
    ordered and scored on whole numbers (kopecks or shipments), which order them exactly as
    the amounts do; Decimals are made only for the figures kept."""
    kopecks, squares, shipments, last = {}, {}, {}, {}
    for partner_id, total, total_squares, count, last_day in rows:
        kopecks[partner_id] = int(total)
        squares[partner_id] = total_squares
        shipments[partner_id] = int(count)
        last[partner_id] = _as_date(last_day)
    revenue = {pk: Decimal(total).scaleb(-2) for pk, total in kopecks.items()}
    if settings.basis == Basis.ORDERS:
        # A client negative on the whole (returns) is C on every basis.
        whole = {pk: shipments[pk] if kopecks[pk] > 0 else 0 for pk in kopecks}
        value = {pk: Decimal(n) for pk, n in whole.items()}
    else:
        whole, value = kopecks, revenue
    abc = rules.abc_classes(whole, a=settings.a_share, b=settings.b_share)
    positive_total = sum(v for v in whole.values() if v > 0)
    ordered = sorted(whole, key=lambda pk: (-whole[pk], pk))
    recency = rules.quintiles({pk: (end - last[pk]).days for pk in last}, higher_is_better=False)
    frequency = rules.quintiles(shipments)
    monetary = rules.quintiles(kopecks)
    found = {}
    cumulative = ZERO
    x_limit, y_limit, months = settings.x_limit, settings.y_limit, settings.months
    for pk in ordered:
        amount = whole[pk]
        share = Decimal(amount * 100) / positive_total if amount > 0 else ZERO
        cumulative += share
        measured = amount > 0 and kopecks[pk] > 0
        cv = rules.variation_of_sums(kopecks[pk], squares[pk], months) if measured else None
        r, f, m = recency[pk], frequency[pk], monetary[pk]
        found[pk] = {
            "abc": abc[pk],
            "xyz": rules.xyz_class(cv, x=x_limit, y=y_limit),
            "value": value[pk],
            "revenue": revenue[pk],
            "shipments": shipments[pk],
            "share": share,
            "cumulative_share": cumulative,
            "cv": cv,
            "last_purchase": last[pk],
            "recency": r,
            "frequency": f,
            "monetary": m,
            "rfm": rules.rfm_segment(r, f, m),
        }
    return found


CENT, BASIS_POINT = Decimal("0.01"), Decimal("0.0001")


def matrix_cells(found: dict[int, dict]) -> dict[str, list]:
    """The number of clients and their revenue in each ABC×XYZ cell ("A" for the A clients
    of unmeasured demand), as the run stores them."""
    cells: dict[str, list] = {}
    for figures in found.values():
        cell = cells.setdefault(figures["abc"] + figures["xyz"], [0, ZERO])
        cell[0] += 1
        cell[1] += figures["revenue"]
    return {label: [clients, str(revenue)] for label, (clients, revenue) in cells.items()}


def _classes_of_run(run_id: int) -> dict[int, tuple]:
    """partner id → (abc, xyz, since, previous, rfm) of every client of a run, read as
    plain rows (`since` stays as the database gives it: it is only written back)."""
    table = connection.ops.quote_name(ClientClassification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT partner_id, abc, xyz, since, previous, rfm FROM {table} "  # noqa: S608
            "WHERE run_id = %s",
            [run_id],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _class_rows(found: dict, earlier: dict, run_id: int, on: datetime.date, crossed: list):
    """The stored row of every client (in CLASS_FIELDS order), keeping the day it got its
    class and the class before it from the previous run; adds to `crossed` the good
    clients who have just become "at risk"."""
    half_up = ROUND_HALF_UP
    # In partner order, the partner's indexes are written in order too, not all over.
    for pk in sorted(found):
        figures = found[pk]
        label = figures["abc"] + figures["xyz"]
        since, previous, previous_rfm = on, "", ""
        if pk in earlier:
            abc, xyz, old_since, old_previous, previous_rfm = earlier[pk]
            if abc + xyz == label:
                since, previous = old_since, old_previous
            else:
                previous = abc + xyz
            good = abc in ("A", "B") or previous_rfm in rules.GOOD_SEGMENTS
            if (
                figures["rfm"] == rules.RfmSegment.AT_RISK
                and previous_rfm != rules.RfmSegment.AT_RISK
                and good
            ):
                crossed.append(pk)
        yield (
            run_id,
            pk,
            figures["abc"],
            figures["xyz"],
            figures["value"],  # whole kopecks or a count: exact already
            figures["revenue"],
            figures["shipments"],
            figures["share"].quantize(BASIS_POINT, half_up),
            figures["cumulative_share"].quantize(BASIS_POINT, half_up),
            None if figures["cv"] is None else figures["cv"].quantize(CENT, half_up),
            figures["last_purchase"],
            figures["recency"],
            figures["frequency"],
            figures["monetary"],
            figures["rfm"],
            since,
            previous,
            previous_rfm,
        )


@transaction.atomic
def classification_recompute(
    *, by=None, scheduled: bool = False, on: datetime.date | None = None
) -> ClassificationRun:
    """Classify every client over the settings' months before the month of `on` (today)
    and store the result as a new run.

    Each client keeps the day it got its class and the class before it (from the previous
    run). A good client (A or B, or champions or loyal) who crosses into "at risk" is
    announced to its responsible manager once, when the crossing happens. Raises
    ClassificationSettingsInvalid when the stored thresholds are wrong; nothing is written.
    """
    manage_check(by)
    settings = settings_current()
    problems = settings_problems(
        basis=settings.basis,
        a_share=settings.a_share,
        b_share=settings.b_share,
        c_share=settings.c_share,
        months=settings.months,
        x_limit=settings.x_limit,
        y_limit=settings.y_limit,
        stopped_factor=settings.stopped_factor,
    )
    if problems:
        raise ClassificationSettingsInvalid(problems)
    on = on or timezone.localdate()
    start, end = classification_period(settings.months, on)
    found = classify(client_totals(start, end), settings=settings, start=start, end=end)
    before = previous_run()
    earlier = {}
    if before is not None:
        earlier = _classes_of_run(before.pk)
    run = ClassificationRun.objects.create(
        by=by,
        scheduled=scheduled,
        basis=settings.basis,
        a_share=settings.a_share,
        b_share=settings.b_share,
        c_share=settings.c_share,
        months=settings.months,
        x_limit=settings.x_limit,
        y_limit=settings.y_limit,
        period_start=start,
        period_end=end,
        clients=len(found),
        cells=matrix_cells(found),
    )
    crossed: list[int] = []
    # Made as the database takes them in: the rows are built while it stores the ones before.
    rows_insert(
        ClientClassification, CLASS_FIELDS, _class_rows(found, earlier, run.pk, on, crossed)
    )
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    if crossed:
        at_risk_notify(partner_ids=crossed)
    return run


def previous_run() -> ClassificationRun | None:
    return ClassificationRun.objects.filter(finished_at__isnull=False).order_by("-id").first()


def at_risk_notify(*, partner_ids: list[int]) -> int:
    """Tell each responsible manager, in the manager's language, that a good client of
    theirs is now at risk. Returns the number of notifications sent."""
    sent = 0
    for partner in Partner.objects.filter(pk__in=partner_ids, manager__isnull=False).select_related(
        "manager"
    ):
        manager = partner.manager
        with translation.override(getattr(manager, "language", None) or "ru"):
            notification_send(
                user=manager,
                title=_("%(name)s is at risk: a good client has stopped buying as before")
                % {"name": partner.name},
                text=_(
                    "The client used to buy often but has not bought lately. Get in touch "
                    "before it is lost."
                ),
                url=reverse("partners:detail", args=[partner.pk]),
            )
        sent += 1
    return sent
