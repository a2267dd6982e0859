"""The sales reports in the report registry (core.reports, S8): revenue by partner and
payment discipline, over `queries.revenue_by_partner` and
`queries.payment_discipline_by_partner`."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.models import User
from ladoga.accounts.queries import people_in_scope_of
from ladoga.accounts.roles import Role
from ladoga.core.numbers import change_percent, half_up, percent
from ladoga.core.periods import Period
from ladoga.core.reports import (
    Kind,
    PeriodForm,
    RecordFilter,
    Report,
    ReportColumn,
    ReportTable,
    Section,
    register,
)

from . import queries

ZERO = Decimal("0")
CHART_PARTNERS = 15


class SalesReportFilters(PeriodForm):
    """The period (the last year when empty) and the responsible manager of the partners
    (only the people whose partners the user sees)."""

    default_days = 365

    manager = RecordFilter(label=_("Manager"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = people_in_scope_of(user=self.user).exclude(
            role__in=[Role.CLAIMS, Role.PORTAL]
        )


class RevenueFilters(SalesReportFilters):
    with_comparison = True


def partner_url(partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    try:
        return reverse("partners:detail", args=[partner_id])
    except NoReverseMatch:
        return None


@dataclass
class RevenueRow:
    partner_id: int
    partner: str
    shipments: int
    revenue: Decimal
    vat: Decimal
    compared: Decimal | None = None


@dataclass
class RevenueReport:
    period: Period
    compared: Period | None
    rows: list[RevenueRow]

    @property
    def revenue(self) -> Decimal:
        return sum((r.revenue for r in self.rows), ZERO)

    @property
    def compared_revenue(self) -> Decimal:
        return sum((r.compared or ZERO for r in self.rows), ZERO)


def revenue_run(*, user, period: Period, compared: Period | None = None, manager=None):
    """Revenue per partner in the period (shipments dated in it), and in the period
    compared with when one is asked; a partner with revenue in only one of them shows
    zero in the other."""
    manager_id = manager.pk if manager else None
    found = {
        r.partner_id: RevenueRow(r.partner_id, r.partner_name, r.shipments, r.revenue, r.vat)
        for r in queries.revenue_by_partner(period, user=user, manager=manager_id)
    }
    if compared is not None:
        for row in found.values():
            row.compared = ZERO
        for r in queries.revenue_by_partner(compared, user=user, manager=manager_id):
            row = found.setdefault(
                r.partner_id, RevenueRow(r.partner_id, r.partner_name, 0, ZERO, ZERO, ZERO)
            )
            row.compared = r.revenue
    rows = sorted(found.values(), key=lambda r: (-r.revenue, -(r.compared or 0), r.partner))
    return RevenueReport(period, compared, rows)


def revenue_table(result: RevenueReport) -> ReportTable:
    whole = result.revenue
    columns = [
        ReportColumn("partner", _("Partner")),
        ReportColumn("shipments", _("Shipments"), Kind.INT),
        ReportColumn("revenue", _("Revenue"), Kind.MONEY, "up"),
        ReportColumn("vat", _("VAT"), Kind.MONEY),
        ReportColumn("share", _("Share of revenue, %"), Kind.PERCENT),
    ]
    if result.compared is not None:
        columns += [
            ReportColumn("compared", _("Revenue in the compared period"), Kind.MONEY),
            ReportColumn("change", _("Change, %"), Kind.PERCENT, "up"),
        ]

    def row(r: RevenueRow) -> dict:
        found = {
            "partner": r.partner,
            "shipments": r.shipments,
            "revenue": r.revenue,
            "vat": r.vat,
            "share": percent(r.revenue, whole),
            "_url": partner_url(r.partner_id),
        }
        if result.compared is not None:
            found["compared"] = r.compared
            found["change"] = change_percent(r.revenue, r.compared)
        return found

    total = {
        "partner": gettext("Total"),
        "shipments": sum(r.shipments for r in result.rows),
        "revenue": whole,
        "vat": sum((r.vat for r in result.rows), ZERO),
        "share": percent(whole, whole),
        "_level": 2,
    }
    if result.compared is not None:
        total["compared"] = result.compared_revenue
        total["change"] = change_percent(whole, result.compared_revenue)
    return ReportTable(columns, [row(r) for r in result.rows], [total] if result.rows else [])


def revenue_chart(result: RevenueReport) -> dict:
    top = result.rows[:CHART_PARTNERS]
    series = [{"name": gettext("Revenue"), "values": [r.revenue for r in top]}]
    if result.compared is not None:
        series.append(
            {"name": gettext("Compared period"), "values": [r.compared or ZERO for r in top]}
        )
    return {
        "kind": "hbars",
        "title": gettext("Revenue of the largest partners"),
        "labels": [r.partner for r in top],
        "series": series,
        "unit": "money",
    }


@dataclass
class DisciplineReport:
    period: Period
    rows: list[queries.PartnerDiscipline]
    total: queries.PartnerDiscipline


def discipline_run(*, user, period: Period, compared=None, manager=None) -> DisciplineReport:
    rows, total = queries.payment_discipline_by_partner(
        period, user=user, manager=manager.pk if manager else None
    )
    return DisciplineReport(period, rows, total)


def _discipline_row(row: queries.PartnerDiscipline, name: str, level: int = 0) -> dict:
    figures = row.figures
    found = {
        "partner": name,
        "payments": figures.payments,
        "on_time": figures.on_time,
        "late": figures.late,
        "on_time_share": percent(figures.on_time, figures.payments),
        "average_days_late": half_up(row.average_late, 1),
        "_url": partner_url(row.partner_id),
    }
    if level:
        found["_level"] = level
    return found


def discipline_table(result: DisciplineReport) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("partner", _("Partner")),
            ReportColumn("payments", _("Payments"), Kind.INT),
            ReportColumn("on_time", _("On time"), Kind.INT, "up"),
            ReportColumn("late", _("Late"), Kind.INT, "down"),
            ReportColumn("on_time_share", _("Paid on time, %"), Kind.PERCENT, "up"),
            ReportColumn("average_days_late", _("Average delay, days"), Kind.DAYS, "down"),
        ],
        rows=[_discipline_row(r, r.partner_name) for r in result.rows],
        totals=[_discipline_row(result.total, gettext("All partners"), 2)] if result.rows else [],
    )


def discipline_chart(result: DisciplineReport) -> dict:
    top = result.rows[:CHART_PARTNERS]
    return {
        "kind": "stacked",
        "title": gettext("Payments on time and late, by partner"),
        "labels": [r.partner_name for r in top],
        "series": [
            {"name": gettext("On time"), "values": [r.figures.on_time for r in top]},
            {"name": gettext("Late"), "values": [r.figures.late for r in top]},
        ],
        "unit": "count",
    }


def install() -> None:
    register(
        Report(
            name="revenue-by-partner",
            title=_("Revenue by partner"),
            description=_(
                "Shipments in the period per partner: revenue, VAT, share, and the change "
                "against another period."
            ),
            section=Section.SALES,
            filters=RevenueFilters,
            run=revenue_run,
            table=revenue_table,
            chart=revenue_chart,
        )
    )
    register(
        Report(
            name="payment-discipline",
            title=_("Payment discipline"),
            description=_(
                "How punctually partners paid: payments on time and late, the average delay."
            ),
            section=Section.SALES,
            filters=SalesReportFilters,
            run=discipline_run,
            table=discipline_table,
            chart=discipline_chart,
        )
    )
