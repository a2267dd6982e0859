"""Reports of the client classification (SPEC A7, L3) in the report registry: the clients
of an ABC×XYZ cell, who moved between classes, RFM segments and clients who stopped
buying. BCG (A8) is in `bcg.py`. Each reads through record-level access.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.access import visible
from ladoga.core.reports import (
    Kind,
    Report,
    ReportColumn,
    ReportForm,
    ReportTable,
    Section,
    register,
)
from ladoga.partners.models import Partner
from ladoga.sales.models import Shipment
from ladoga.web import forms as web_forms

from . import classification_rules as rules
from .classification_queries import class_moves, classes_visible_to, runs_finished
from .classification_services import settings_current

RFM_TITLES = {
    rules.RfmSegment.CHAMPIONS: _("Champions"),
    rules.RfmSegment.LOYAL: _("Loyal"),
    rules.RfmSegment.PROMISING: _("Promising"),
    rules.RfmSegment.NEED_ATTENTION: _("Need attention"),
    rules.RfmSegment.AT_RISK: _("At risk"),
    rules.RfmSegment.HIBERNATING: _("Hibernating"),
    rules.RfmSegment.LOST: _("Lost"),
}


def partner_url(pk: int) -> str:
    return reverse("partners:detail", args=[pk])


# The clients of an ABC×XYZ cell ------------------------------------------------------


class ClassListFilters(ReportForm):
    abc = forms.ChoiceField(
        label=_("ABC class"),
        required=False,
        choices=[("", "—"), ("A", "A"), ("B", "B"), ("C", "C")],
    )
    xyz = forms.ChoiceField(
        label=_("XYZ class"),
        required=False,
        choices=[("", "—"), ("X", "X"), ("Y", "Y"), ("Z", "Z"), ("-", _("not measured"))],
    )


def class_list(*, user, abc: str = "", xyz: str = "") -> list:
    """The clients `user` may see in the current run, optionally of one ABC and/or XYZ
    class ("-" for clients whose demand was not measured), largest first."""
    rows = classes_visible_to(user=user)
    if abc:
        rows = rows.filter(abc=abc)
    if xyz:
        rows = rows.filter(xyz="" if xyz == "-" else xyz)
    return list(rows.order_by("-value", "partner_id"))


def class_list_table(result) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("partner", _("Partner")),
            ReportColumn("label", _("Class")),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
            ReportColumn("share", _("Share, %"), Kind.PERCENT),
            ReportColumn("cumulative_share", _("Cumulative share, %"), Kind.PERCENT),
            ReportColumn("cv", _("Variation, %"), Kind.PERCENT),
            ReportColumn("since", _("Since"), Kind.DATE),
            ReportColumn("previous", _("Was")),
        ],
        rows=[
            {
                "partner": row.partner.name,
                "label": row.label,
                "revenue": row.revenue,
                "share": row.share,
                "cumulative_share": row.cumulative_share,
                "cv": row.cv,
                "since": row.since,
                "previous": row.previous,
                "_url": partner_url(row.partner_id),
            }
            for row in result
        ],
    )


# Who moved between classes -----------------------------------------------------------


class RunChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} {obj.started_at:%Y-%m-%d %H:%M} ({obj})"


class MoveFilters(ReportForm):
    run = RunChoice(label=_("Run"), queryset=runs_finished(), required=False)
    before = RunChoice(label=_("Compared with"), queryset=runs_finished(), required=False)

    def clean(self):
        data = super().clean()
        runs = list(runs_finished()[:2])
        data["run"] = data.get("run") or (runs[0] if runs else None)
        if data.get("before") is None:
            data["before"] = (
                runs_finished().filter(pk__lt=data["run"].pk).first() if data["run"] else None
            )
        return data


@dataclass(frozen=True)
class Moves:
    run: object
    before: object
    moves: list


def moves_report(*, user, run=None, before=None) -> Moves:
    if run is None or before is None:
        return Moves(run, before, [])
    return Moves(run, before, class_moves(user=user, run=run, before=before))


def moves_table(result: Moves) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("partner", _("Partner")),
            ReportColumn("before", _("Was")),
            ReportColumn("after", _("Now")),
        ],
        rows=[
            {
                "partner": move.partner_name,
                "before": move.before or "—",
                "after": move.after or "—",
                "_url": partner_url(move.partner_id),
            }
            for move in result.moves
        ],
    )


# RFM segments ------------------------------------------------------------------------


class RfmFilters(ReportForm):
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", "—"), *RFM_TITLES.items()]
    )


@dataclass(frozen=True)
class Rfm:
    rows: list
    counts: dict[str, int]


def rfm_report(*, user, segment: str = "") -> Rfm:
    """The RFM scores and segment of the clients `user` may see (current run), and the
    number of clients in each segment."""
    rows = classes_visible_to(user=user)
    counts = dict(rows.values("rfm").annotate(n=Count("id")).order_by().values_list("rfm", "n"))
    if segment:
        rows = rows.filter(rfm=segment)
    return Rfm(
        rows=list(rows.order_by("-recency", "-frequency", "-monetary", "partner_id")),
        counts={key: counts.get(key, 0) for key in RFM_TITLES},
    )


def rfm_table(result: Rfm) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("partner", _("Partner")),
            ReportColumn("segment", _("Segment")),
            ReportColumn("recency", _("R"), Kind.INT),
            ReportColumn("frequency", _("F"), Kind.INT),
            ReportColumn("monetary", _("M"), Kind.INT),
            ReportColumn("last_purchase", _("Last purchase"), Kind.DATE),
            ReportColumn("shipments", _("Shipments"), Kind.INT),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
        ],
        rows=[
            {
                "partner": row.partner.name,
                "segment": str(RFM_TITLES.get(row.rfm, row.rfm)),
                "recency": row.recency,
                "frequency": row.frequency,
                "monetary": row.monetary,
                "last_purchase": row.last_purchase,
                "shipments": row.shipments,
                "revenue": row.revenue,
                "_url": partner_url(row.partner_id),
            }
            for row in result.rows
        ],
        totals=[
            {"partner": str(RFM_TITLES[key]), "shipments": count, "_level": 1}
            for key, count in result.counts.items()
        ],
    )


def rfm_chart(result: Rfm) -> dict:
    return {
        "kind": "bars",
        "title": str(_("Clients by RFM segment")),
        "labels": [str(RFM_TITLES[key]) for key in result.counts],
        "series": [{"name": str(_("Clients")), "values": list(result.counts.values())}],
        "unit": "count",
    }


# Clients who stopped buying ----------------------------------------------------------


class StoppedFilters(ReportForm):
    factor = web_forms.DecimalField(
        label=_("Times the usual interval"), required=False, min_value=1, max_value=100
    )
    on = forms.DateField(label=_("On"), required=False)


@dataclass(frozen=True)
class Stopped:
    partner_id: int
    partner_name: str
    last_purchase: datetime.date
    purchase_days: int
    interval: float
    days_since: int


def stopped_buying(*, user, factor: Decimal | None = None, on: datetime.date | None = None):
    """The clients `user` may see who have bought nothing for more than `factor` (the
    settings' figure) times their usual interval between purchases, over the settings'
    months up to `on` (today). One grouped query over the shipments."""
    settings = settings_current()
    factor = factor or settings.stopped_factor
    on = on or timezone.localdate()
    start = rules.months_between(on, settings.months * 2)[0]
    rows = (
        visible(Shipment.objects.all(), user)
        .filter(date__gte=start, date__lte=on)
        .values("partner_id")
        .annotate(first=Min("date"), last=Max("date"), days=Count("date", distinct=True))
        .order_by()
        .values_list("partner_id", "first", "last", "days")
    )
    found = []
    for pk, first, last, days in rows:
        if rules.stopped_buying(
            first=first, last=last, purchase_days=days, today=on, factor=factor
        ):
            interval = rules.usual_interval(first, last, days)
            found.append((pk, last, days, interval, (on - last).days))
    names = dict(Partner.objects.filter(pk__in=[f[0] for f in found]).values_list("pk", "name"))
    return sorted(
        (
            Stopped(pk, names.get(pk, ""), last, days, interval, since)
            for pk, last, days, interval, since in found
        ),
        key=lambda s: (-s.days_since / max(s.interval, 1.0), s.partner_id),
    )


def stopped_table(result) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn("partner", _("Partner")),
            ReportColumn("last_purchase", _("Last purchase"), Kind.DATE),
            ReportColumn("purchase_days", _("Purchase days"), Kind.INT),
            ReportColumn("interval", _("Usual interval, days"), Kind.DAYS),
            ReportColumn("days_since", _("Days without a purchase"), Kind.INT),
        ],
        rows=[
            {
                "partner": s.partner_name,
                "last_purchase": s.last_purchase,
                "purchase_days": s.purchase_days,
                "interval": Decimal(str(s.interval)),
                "days_since": s.days_since,
                "_url": partner_url(s.partner_id),
            }
            for s in result
        ],
    )


def register_all() -> None:
    from .bcg import register_bcg

    register(
        Report(
            name="abc-xyz-clients",
            title=_("ABC/XYZ classes of clients"),
            description=_("The clients of each ABC×XYZ class in the current classification."),
            section=Section.CLIENTS,
            filters=ClassListFilters,
            run=class_list,
            table=class_list_table,
        )
    )
    register(
        Report(
            name="class-moves",
            title=_("Clients who moved between classes"),
            description=_("Clients whose ABC/XYZ class differs between two classification runs."),
            section=Section.CLIENTS,
            filters=MoveFilters,
            run=moves_report,
            table=moves_table,
        )
    )
    register(
        Report(
            name="rfm",
            title=_("RFM segments"),
            description=_("Clients by recency, frequency and amount of their purchases."),
            section=Section.LOYALTY,
            filters=RfmFilters,
            run=rfm_report,
            table=rfm_table,
            chart=rfm_chart,
        )
    )
    register(
        Report(
            name="stopped-buying",
            title=_("Clients who stopped buying"),
            description=_("Clients with no purchase for several times their usual interval."),
            section=Section.LOYALTY,
            filters=StoppedFilters,
            run=stopped_buying,
            table=stopped_table,
        )
    )
    register_bcg()
