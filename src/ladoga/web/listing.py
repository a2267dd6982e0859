"""One way for a list page to sort by a column header and to page (issue #14, point 10).

The view passes its own whitelist of sortable columns (web imports no domain)::

    listing = listing_of(request, found, sorts={"name": ("name", "id"),
                                                "amount": ("amount", "id")}, default="name")

``?sort=name`` sorts by the fields in ascending order, ``?sort=-amount`` descending (every
field reversed). An unknown sort key is ignored and the default order used. ``?per_page=``
is one of PAGE_SIZES; anything else gives the view's default. The page template shows
``{% sort_header listing "name" _("Name") %}`` (templatetags/listing.py) in the header
cells and includes ``web/pager.html`` under the table; both keep the current filters.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.translation import gettext as _

PAGE_SIZES = (25, 50, 100, 200)
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2999, 12, 31)


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def order_fields(sorts: dict[str, tuple[str, ...]], sort: str) -> tuple[str, ...] | None:
    """The order_by fields of a `sort` parameter, or None when it is not in `sorts`."""
    key = sort[1:] if sort.startswith("-") else sort
    if key not in sorts:
        return None
    fields = tuple(sorts[key])
    return tuple(_reversed(f) for f in fields) if sort.startswith("-") else fields


def page_size(value, default: int) -> int:
    """The page size asked for, when it is one of PAGE_SIZES; otherwise `default`."""
    size = int(value) if str(value or "").isdigit() else None
    return size if size in PAGE_SIZES else default


@dataclass
class Listing:
    page: Page
    sort: str
    per_page: int
    params: QueryDict  # the request's parameters, without the page number

    def _query(self, **changes) -> str:
        query = self.params.copy()
        for name, value in changes.items():
            query.pop(name, None)
            if value not in (None, ""):
                query[name] = value
        return query.urlencode()

    @property
    def query(self) -> str:
        """The current filters, sort and size: what a page link adds `page=` to."""
        return self._query()

    def sort_href(self, key: str) -> str:
        """Ascending by `key`; descending when it is already ascending. Back to page 1."""
        return "?" + self._query(sort=f"-{key}" if self.sort == key else key)

    def sort_state(self, key: str) -> str:
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return ""

    @property
    def page_numbers(self) -> list:
        """Page numbers around the current one; Paginator.ELLIPSIS marks a gap."""
        return list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )

    @property
    def ellipsis(self) -> str:
        return Paginator.ELLIPSIS

    @property
    def size_fields(self) -> list[tuple[str, str]]:
        """The parameters the page-size form carries along (all but page and size)."""
        return [
            (name, value)
            for name, values in self.params.lists()
            if name not in ("page", "per_page")
            for value in values
        ]

    @property
    def page_sizes(self) -> tuple[int, ...]:
        return PAGE_SIZES


def listing_of(
    request, queryset, *, sorts: dict[str, tuple[str, ...]], default: str, per_page: int = 25
) -> Listing:
    """Sort `queryset` as `?sort=` asks (or by `default`) and give the page `?page=` asks."""
    sort = request.GET.get("sort", default)
    fields = order_fields(sorts, sort)
    if fields is None:
        sort, fields = default, order_fields(sorts, default)
    size = page_size(request.GET.get("per_page"), per_page)
    page = Paginator(queryset.order_by(*fields), size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return Listing(page=page, sort=sort, per_page=size, params=params)


@dataclass
class ListPeriod:
    """The `?date_from=&date_to=` of a list: either end may be empty; `error` is the message
    to show above the list when the dates are not a period (then neither end is applied)."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    error: str = ""
    raw_from: str = ""
    raw_to: str = ""

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to)


def _day(value: str) -> datetime.date | None:
    day = datetime.date.fromisoformat(value) if value else None
    if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(value)
    return day


def list_period(params) -> ListPeriod:
    """Read and check a list's period filter: dates as YYYY-MM-DD between 1900 and 2999,
    the end not before the start."""
    raw_from = (params.get("date_from") or "").strip()[:10]
    raw_to = (params.get("date_to") or "").strip()[:10]
    try:
        start, end = _day(raw_from), _day(raw_to)
    except ValueError:
        return ListPeriod(
            error=_("Enter the dates as YYYY-MM-DD."), raw_from=raw_from, raw_to=raw_to
        )
    if start and end and end < start:
        return ListPeriod(
            error=_("The period starts after it ends."), raw_from=raw_from, raw_to=raw_to
        )
    return ListPeriod(start, end, raw_from=raw_from, raw_to=raw_to)
