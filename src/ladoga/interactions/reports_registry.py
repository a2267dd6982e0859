"""Unprocessed interactions by responsible user (A5) in the report registry
(core.reports): how many interactions wait for a review, since when, per user, each
linked to the list of that user's unprocessed interactions."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.models import User
from ladoga.accounts.queries import people_in_scope_of
from ladoga.core.reports import (
    Kind,
    RecordFilter,
    Report,
    ReportColumn,
    ReportForm,
    ReportTable,
    Section,
    register,
)

from . import queries


class UnprocessedFilters(ReportForm):
    responsible = RecordFilter(label=_("Responsible"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people_in_scope_of(user=self.user)


@dataclass
class UnprocessedReport:
    counts: list[queries.UnprocessedCount]


def unprocessed_run(*, user, responsible=None) -> UnprocessedReport:
    counts = queries.unprocessed_counts(user=user)
    if responsible is not None:
        counts = [c for c in counts if c.user.pk == responsible.pk]
    return UnprocessedReport(counts)


def unprocessed_table(result: UnprocessedReport) -> ReportTable:
    list_url = reverse("interactions:unprocessed")
    return ReportTable(
        columns=[
            ReportColumn("responsible", _("Responsible")),
            ReportColumn("count", _("Unprocessed"), Kind.INT, "down"),
            ReportColumn("oldest", _("Waiting since"), Kind.DATE),
        ],
        rows=[
            {
                "responsible": str(c.user),
                "count": c.count,
                "oldest": timezone.localtime(c.oldest).date() if c.oldest else None,
                "_url": f"{list_url}?responsible={c.user.pk}",
            }
            for c in result.counts
        ],
        totals=[
            {
                "responsible": gettext("Total"),
                "count": sum(c.count for c in result.counts),
                "oldest": min(
                    (timezone.localtime(c.oldest).date() for c in result.counts if c.oldest),
                    default=None,
                ),
                "_level": 2,
            }
        ]
        if result.counts
        else [],
    )


def unprocessed_chart(result: UnprocessedReport) -> dict:
    return {
        "kind": "hbars",
        "title": gettext("Unprocessed interactions by responsible"),
        "labels": [str(c.user) for c in result.counts],
        "series": [{"name": gettext("Unprocessed"), "values": [c.count for c in result.counts]}],
        "unit": "count",
    }


def install() -> None:
    register(
        Report(
            name="unprocessed-interactions",
            title=_("Unprocessed interactions"),
            description=_(
                "Interactions not reviewed and not deferred, per responsible user, since when."
            ),
            section=Section.INTERACTIONS,
            filters=UnprocessedFilters,
            run=unprocessed_run,
            table=unprocessed_table,
            chart=unprocessed_chart,
        )
    )
