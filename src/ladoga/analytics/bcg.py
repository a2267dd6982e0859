"""The BCG matrix (SPEC A8) for clients or product groups.

Market growth is the revenue growth of a client (or product group) in the period against
the previous period of the same length; relative share is its revenue over the revenue of
the largest one in the period (so the largest has 1). The quadrants keep the original
names: stars, cash cows, question marks, dogs. Growth splits at `growth_split` % (10 by
default, as in the original matrix), relative share at `share_split` (0.5: half of the
largest). Revenue is read from shipments the user may see.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Case, DecimalField, Q, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.access import visible
from ladoga.core.numbers import half_up
from ladoga.core.reports import (
    Kind,
    PeriodForm,
    Report,
    ReportColumn,
    ReportTable,
    Section,
    register,
)
from ladoga.partners.models import Partner
from ladoga.sales.models import ProductGroup, Shipment, ShipmentLine
from ladoga.web import forms as web_forms

from . import classification_rules as rules

QUADRANT_TITLES = {
    rules.BcgQuadrant.STARS: _("Stars"),
    rules.BcgQuadrant.CASH_COWS: _("Cash cows"),
    rules.BcgQuadrant.QUESTION_MARKS: _("Question marks"),
    rules.BcgQuadrant.DOGS: _("Dogs"),
}
ZERO = Decimal("0")


class BcgFilters(PeriodForm):
    default_days = 90
    subject = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("clients", _("Clients")), ("groups", _("Product groups"))],
    )
    growth_split = web_forms.DecimalField(label=_("High growth from, %"), required=False)
    share_split = web_forms.DecimalField(
        label=_("Large relative share from"), required=False, min_value=0, max_value=1
    )


@dataclass(frozen=True)
class BcgPoint:
    key: int | None
    name: str
    revenue: Decimal
    previous: Decimal
    growth: Decimal | None
    relative_share: Decimal
    quadrant: str
    url: str


@dataclass(frozen=True)
class Bcg:
    subject: str
    growth_split: Decimal
    share_split: Decimal
    points: list[BcgPoint]


def _money_field():
    return DecimalField(max_digits=18, decimal_places=2)


def _sums(queryset, *, key: str, date: str, period, previous) -> dict:
    """{key: (revenue in the period, revenue in the previous one)} in one grouped query."""
    in_now = Q(**{f"{date}__gte": period.start, f"{date}__lte": period.end})
    in_before = Q(**{f"{date}__gte": previous.start, f"{date}__lte": previous.end})
    rows = (
        queryset.filter(**{f"{date}__gte": previous.start, f"{date}__lte": period.end})
        .values(key)
        .annotate(
            now=Sum(
                Case(When(in_now, then="total"), default=Value(0), output_field=_money_field())
            ),
            before=Sum(
                Case(When(in_before, then="total"), default=Value(0), output_field=_money_field())
            ),
        )
        .order_by()
        .values_list(key, "now", "before")
    )
    return {k: (now or ZERO, before or ZERO) for k, now, before in rows}


def bcg(
    *, user, period, compared=None, subject: str = "clients", growth_split=None, share_split=None
) -> Bcg:
    """The BCG points of the clients (or product groups) with revenue in the period."""
    subject = subject or "clients"
    growth_split = Decimal("10") if growth_split is None else growth_split
    share_split = Decimal("0.5") if share_split is None else share_split
    previous = period.previous()
    if subject == "groups":
        lines = ShipmentLine.objects.filter(shipment__in=visible(Shipment.objects.all(), user))
        sums = _sums(
            lines, key="product__group_id", date="shipment__date", period=period, previous=previous
        )
        names = dict(
            ProductGroup.objects.filter(pk__in=[k for k in sums if k]).values_list("pk", "name")
        )
        names[None] = str(_("Without a group"))
    else:
        sums = _sums(
            visible(Shipment.objects.all(), user),
            key="partner_id",
            date="date",
            period=period,
            previous=previous,
        )
        names = dict(Partner.objects.filter(pk__in=list(sums)).values_list("pk", "name"))
    sums = {k: v for k, v in sums.items() if v[0] > 0}
    largest = max((now for now, _before in sums.values()), default=ZERO)
    points = []
    for key, (now, before) in sums.items():
        growth = rules.growth_percent(now, before)
        share = now / largest if largest else ZERO
        points.append(
            BcgPoint(
                key=key,
                name=names.get(key, ""),
                revenue=now,
                previous=before,
                growth=growth,
                relative_share=share,
                quadrant=rules.bcg_quadrant(
                    growth=growth,
                    relative_share=share,
                    growth_split=growth_split,
                    share_split=share_split,
                ),
                url=reverse("partners:detail", args=[key]) if subject == "clients" else "",
            )
        )
    points.sort(key=lambda p: (-p.revenue, p.name, str(p.key)))
    return Bcg(subject, growth_split, share_split, points)


def bcg_table(result: Bcg) -> ReportTable:
    return ReportTable(
        columns=[
            ReportColumn(
                "name", _("Client") if result.subject == "clients" else _("Product group")
            ),
            ReportColumn("quadrant", _("Quadrant")),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
            ReportColumn("previous", _("Previous period"), Kind.MONEY),
            ReportColumn("growth", _("Growth, %"), Kind.PERCENT, good="up"),
            ReportColumn("relative_share", _("Relative share"), Kind.NUMBER),
        ],
        rows=[
            {
                "name": p.name,
                "quadrant": str(QUADRANT_TITLES[p.quadrant]),
                "revenue": p.revenue,
                "previous": p.previous,
                "growth": p.growth,
                "relative_share": half_up(p.relative_share, 3),
                **({"_url": p.url} if p.url else {}),
            }
            for p in result.points
        ],
    )


# Growth of a new client cannot be measured; the chart draws it at this height.
NEW_GROWTH = Decimal("200")


def bcg_chart(result: Bcg) -> dict:
    return {
        "kind": "bubble",
        "title": str(_("BCG matrix")),
        "x_label": str(_("Relative share")),
        "y_label": str(_("Growth, %")),
        "x_split": float(result.share_split),
        "y_split": float(result.growth_split),
        "quadrants": [
            str(QUADRANT_TITLES[rules.BcgQuadrant.QUESTION_MARKS]),
            str(QUADRANT_TITLES[rules.BcgQuadrant.STARS]),
            str(QUADRANT_TITLES[rules.BcgQuadrant.DOGS]),
            str(QUADRANT_TITLES[rules.BcgQuadrant.CASH_COWS]),
        ],
        "points": [
            {
                "label": p.name,
                "x": float(p.relative_share),
                "y": float(min(p.growth, NEW_GROWTH) if p.growth is not None else NEW_GROWTH),
                "size": float(p.revenue),
                "url": p.url,
            }
            for p in result.points
        ],
    }


def register_bcg() -> None:
    register(
        Report(
            name="bcg",
            title=_("BCG matrix"),
            description=_(
                "Clients or product groups by revenue growth and relative share: stars, "
                "cash cows, question marks and dogs."
            ),
            section=Section.CLIENTS,
            filters=BcgFilters,
            run=bcg,
            table=bcg_table,
            chart=bcg_chart,
        )
    )
