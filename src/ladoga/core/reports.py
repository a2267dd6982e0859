"""The report registry (SPEC A12, DESIGN.md wave 2): every report is registered once.

A report is a filter form, a query function that reads through record-level access, a
table, and optionally a chart. One set of generic pages (`/reports/<name>/`), one API
endpoint (`GET /api/v1/reports/<name>`) and one CSV/XLSX export render any registered
report, so a new report is a query function plus a registration in its domain's
`AppConfig.ready()`:

    register(Report(
        name="bottlenecks",
        title=_("Bottlenecks"),
        description=_("Where deals wait longest: time in stage, returns, losses."),
        section=Section.DEALS,
        filters=BottleneckFilters,        # a ReportForm; cleaned_data goes to `run`
        run=bottlenecks,                  # run(user=..., **cleaned_data) -> result
        table=bottlenecks_table,          # result -> ReportTable
        chart=bottlenecks_chart,          # result -> web.charts spec, or None
    ))

Filters are validated by the same form for the page and the API; a form error becomes a
422 problem document naming the field, and nothing is computed.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, ValidationFailed, Violation
from .numbers import half_up, money
from .periods import Comparison, Period, comparison_check

REPORT_FILTER_INVALID = "report_filter_invalid"


class Section(StrEnum):
    """Where a report stands in the Reports menu."""

    SALES = "sales"
    DEALS = "deals"
    MANAGERS = "managers"
    CLIENTS = "clients"
    LOYALTY = "loyalty"
    CLAIMS = "claims"
    INTERACTIONS = "interactions"


SECTION_TITLES = {
    Section.SALES: _("Sales"),
    Section.DEALS: _("Deals"),
    Section.MANAGERS: _("Managers"),
    Section.CLIENTS: _("Clients"),
    Section.LOYALTY: _("Loyalty"),
    Section.CLAIMS: _("Claims"),
    Section.INTERACTIONS: _("Interactions"),
}


class Kind(StrEnum):
    """How a column's values are shown and exported."""

    TEXT = "text"
    INT = "int"
    MONEY = "money"
    PERCENT = "percent"
    NUMBER = "number"
    DATE = "date"
    DAYS = "days"


@dataclass(frozen=True)
class ReportColumn:
    key: str
    title: Any
    kind: Kind = Kind.TEXT
    # For changes: whether a rise is good ("up"), bad ("down") or neither (None).
    good: str | None = None


@dataclass
class ReportTable:
    """What a report shows as a table: columns, rows as dicts by column key, totals.

    A row may carry `"_url"` (the record it stands for) and `"_level"` (1 for a group
    total such as a department, 2 for a grand total) for the page; neither is exported.
    """

    columns: list[ReportColumn]
    rows: list[dict]
    totals: list[dict] = field(default_factory=list)

    def headers(self) -> list[str]:
        return [str(column.title) for column in self.columns]

    def value_rows(self) -> Iterable[list]:
        for row in [*self.rows, *self.totals]:
            yield [plain(row.get(column.key), column.kind) for column in self.columns]


def plain(value, kind: Kind = Kind.TEXT):
    """A cell as it is exported and sent in JSON: money with two decimals, percentages
    with one, rounded half-up; dates as dates; None as None."""
    if value is None:
        return None
    if kind == Kind.MONEY:
        return money(value)
    if kind == Kind.PERCENT:
        return half_up(value, 1)
    if kind == Kind.NUMBER and isinstance(value, float | Decimal):
        return half_up(value, 1)
    if kind == Kind.DAYS and isinstance(value, float | Decimal):
        return half_up(value, 1)
    if isinstance(value, datetime.datetime | datetime.date | int | Decimal | bool):
        return value
    if isinstance(value, float):
        return half_up(value, 2)
    return str(value)


class RecordFilter(forms.ModelChoiceField):
    """A filter naming a record (a manager, a department, a partner) from `queryset`, the
    records the user may see. An id outside it raises Http404, whether the record exists
    or not, so a report never tells that it does; text that is not an id is a form error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            pk = int(str(value))
        except (TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        found = self.queryset.filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def prepare_value(self, value):
        if hasattr(value, "_meta"):
            return value.pk
        return super().prepare_value(value)


class ReportForm(forms.Form):
    """The filters of a report. Takes the acting user, so choices (managers,
    departments) list only what the user may see."""

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, **kwargs)

    def styled(self) -> "ReportForm":
        """The form dressed for a page: the project's input class, date pickers."""
        for form_field in self.fields.values():
            widget = form_field.widget
            if isinstance(form_field, forms.DateField):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if not isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "input")
        return self

    def violations(self) -> list[Violation]:
        return [
            Violation(code=REPORT_FILTER_INVALID, message=str(message), field=name)
            for name, messages in self.errors.items()
            for message in messages
        ]

    def filters(self) -> dict:
        """The cleaned filters, or ValidationFailed listing every bad field."""
        if not self.is_valid():
            raise ValidationFailed(self.violations())
        return self.cleaned_data

    def saved_data(self) -> dict:
        """The filters as they are saved for a user (report settings): the submitted
        values of the form's own fields, as JSON-safe text, empty ones left out."""
        data = {}
        for name in self.fields:
            if not self.data or name not in self.data:
                continue
            if hasattr(self.data, "getlist"):
                values = self.data.getlist(name)
            else:
                value = self.data[name]
                values = value if isinstance(value, list | tuple) else [value]
            values = [v if isinstance(v, bool) else str(v) for v in values if v not in ("", None)]
            if len(values) == 1:
                data[name] = values[0]
            elif values:
                data[name] = values
        return data

    def filters_json(self) -> dict:
        """The cleaned filters, JSON-safe: records as ids, periods as their days."""
        return {name: json_safe(value) for name, value in self.cleaned_data.items()}


def json_safe(value):
    """A cleaned filter value as JSON: a record as its id, a period as start and end."""
    if isinstance(value, Period):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return [json_safe(v) for v in value]
    return value


class PeriodForm(ReportForm):
    """A period (default: the last `default_days` days) and an optional comparison.

    cleaned_data gets `period` (core.periods.Period) and `compared` (Period or None)
    instead of the raw fields."""

    default_days = 30
    with_comparison = False

    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    compare = forms.ChoiceField(
        label=_("Compare with"),
        required=False,
        choices=[
            (Comparison.NONE.value, _("No comparison")),
            (Comparison.PREVIOUS.value, _("The previous period")),
            (Comparison.LAST_YEAR.value, _("The same period last year")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.with_comparison:
            del self.fields["compare"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            period = Period.of(
                data.pop("start", None), data.pop("end", None), default_days=self.default_days
            )
            compared = period.compared(data.pop("compare", None) or Comparison.NONE)
            comparison_check(period, compared)
        except DomainError as error:
            for violation in error.violations:
                self.add_error(
                    violation.field if violation.field in self.fields else None,
                    str(violation.message),
                )
            return data
        data["period"] = period
        data["compared"] = compared
        return data


def staff(user) -> bool:
    """Reports are for the company's people, not for portal clients."""
    return bool(user.is_authenticated and not getattr(user, "is_portal", False))


@dataclass(frozen=True)
class Report:
    name: str
    title: Any
    description: Any
    section: Section
    filters: type[ReportForm]
    run: Callable[..., Any]
    table: Callable[[Any], ReportTable]
    chart: Callable[[Any], dict | None] | None = None
    # A template that shows the result in its own way above the table (optional).
    template: str | None = None
    allowed: Callable[[Any], bool] = staff


REGISTRY: dict[str, Report] = {}


def register(report: Report) -> Report:
    if report.name in REGISTRY and REGISTRY[report.name] != report:
        raise ValueError(f"report {report.name!r} is registered twice")
    REGISTRY[report.name] = report
    return report


def report_named(name: str) -> Report | None:
    return REGISTRY.get(name)


def reports_for(user) -> list[Report]:
    """The reports `user` may open, in menu order (section, then title)."""
    order = list(Section)
    found = [r for r in REGISTRY.values() if r.allowed(user)]
    return sorted(found, key=lambda r: (order.index(r.section), str(r.title)))


def report_run(report: Report, *, user, data) -> tuple[ReportForm, Any]:
    """Validate `data` with the report's filters and run it for `user`.

    Raises ValidationFailed for bad filters (nothing is computed)."""
    form = report.filters(data, user=user)
    filters = form.filters()
    return form, report.run(user=user, **filters)


def report_settings_of(*, user, report: Report) -> dict:
    """The filters `user` saved as their default for `report` ({} when none)."""
    from .models import ReportSettings

    if not user.is_authenticated:
        return {}
    found = ReportSettings.objects.filter(user=user, report=report.name).first()
    return dict(found.filters) if found else {}
