"""The analytics reports in the report registry (core.reports): filled in
AnalyticsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from ladoga.core.reports import Report, Section, register

from .bottlenecks import bottlenecks, bottlenecks_chart, bottlenecks_table
from .forms import BottleneckFilters, ManagerComparisonFilters
from .managers import comparison_chart, comparison_table, managers_compare

MANAGER_COMPARISON = Report(
    name="manager-comparison",
    title=_("Manager comparison"),
    description=_(
        "Chosen indicators per manager for a period against the previous period or the same "
        "period last year, with department and company totals."
    ),
    section=Section.MANAGERS,
    filters=ManagerComparisonFilters,
    run=managers_compare,
    table=comparison_table,
    chart=comparison_chart,
)

BOTTLENECKS = Report(
    name="bottlenecks",
    title=_("Bottlenecks"),
    description=_("Where deals wait longest: time in stage, returns and losses per stage."),
    section=Section.DEALS,
    filters=BottleneckFilters,
    run=bottlenecks,
    table=bottlenecks_table,
    chart=bottlenecks_chart,
)


def reports_register() -> None:
    register(MANAGER_COMPARISON)
    register(BOTTLENECKS)
