"""The analytics reports in the report registry (core.reports)."""

from django.utils.translation import gettext_lazy as _

from ladoga.core.reports import Report, Section, register

from . import monitoring, strategy
from .forms import OnDayManagerForm


def reports_register() -> None:
    register(
        Report(
            name="deal-monitoring",
            title=_("Deal monitoring"),
            description=_(
                "Stalled deals, stages past their norm, overdue tasks and deals past "
                "their expected close date."
            ),
            section=Section.DEALS,
            filters=OnDayManagerForm,
            run=monitoring.monitoring_report,
            table=monitoring.monitoring_table,
            chart=monitoring.monitoring_chart,
        )
    )
    register(
        Report(
            name="contact-norms-overdue",
            title=_("Clients past their contact norm"),
            description=_(
                "Clients not contacted as often as their segment's or class's norm asks, "
                "per manager, with the last contact and the days overdue."
            ),
            section=Section.CLIENTS,
            filters=OnDayManagerForm,
            run=strategy.contact_norm_report,
            table=strategy.contact_norm_table,
            chart=strategy.contact_norm_chart,
        )
    )
