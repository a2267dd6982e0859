"""web.listing: column-header sort from the view's whitelist, page size from a fixed list,
page links that keep the filters (issue #14, point 10)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from ladoga.accounts.models import Department
from ladoga.accounts.services import department_create
from ladoga.web.listing import PAGE_SIZES, listing_of, order_fields, page_size

SORTS = {"name": ("name", "id"), "created": ("-id",)}


def _listing(**params):
    request = RequestFactory().get("/list/", params)
    return listing_of(request, Department.objects.all(), sorts=SORTS, default="name", per_page=25)


@pytest.fixture
def departments_60(db):
    return [department_create(name=f"Dept {number:02d}") for number in range(60)]


def test_order_fields_ascending_descending_and_unknown():
    assert order_fields(SORTS, "name") == ("name", "id")
    assert order_fields(SORTS, "-name") == ("-name", "-id")
    assert order_fields(SORTS, "-created") == ("id",)
    assert order_fields(SORTS, "password") is None
    assert order_fields(SORTS, "-") is None
    assert order_fields(SORTS, "--name") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", 50),
        ("200", 200),
        ("25", 25),
        ("30", 25),
        ("0", 25),
        ("-50", 25),
        ("abc", 25),
        ("", 25),
        (None, 25),
        ("10000000000000000000", 25),
    ],
)
def test_page_size_only_from_the_fixed_list(value, expected):
    assert page_size(value, 25) == expected
    assert PAGE_SIZES == (25, 50, 100, 200)


def test_sort_and_page_size_are_applied(departments_60):
    listing = _listing(sort="-name", per_page="50")
    names = [d.name for d in listing.page.object_list]
    assert names[0] == "Dept 59" and len(names) == 50
    assert listing.sort == "-name" and listing.per_page == 50
    assert listing.page.paginator.num_pages == 2


def test_unknown_sort_falls_back_to_the_default(departments_60):
    listing = _listing(sort="password", per_page="7")
    assert listing.sort == "name" and listing.per_page == 25
    assert [d.name for d in listing.page.object_list][:2] == ["Dept 00", "Dept 01"]


def test_header_link_toggles_direction_and_keeps_filters(departments_60):
    listing = _listing(q="Dept", sort="name", page="2", per_page="50")
    href = listing.sort_href("name")
    assert "sort=-name" in href and "q=Dept" in href and "per_page=50" in href
    assert "page=2" not in href  # a new order starts on the first page
    assert listing.sort_state("name") == "ascending"
    assert _listing(sort="-name").sort_href("name").endswith("sort=name")
    assert _listing(sort="-name").sort_state("name") == "descending"
    assert listing.sort_state("created") == ""


def test_pager_renders_numbers_first_last_and_size_form(departments_60):
    listing = _listing(q="Dept", page="2")
    html = render_to_string("web/pager.html", {"listing": listing})
    assert 'rel="first"' in html and 'rel="last"' in html
    assert "q=Dept&amp;page=3" in html  # the last page, with the filter kept
    assert 'aria-current="page">2<' in html
    assert '<input type="hidden" name="q" value="Dept">' in html
    assert 'name="page"' not in html
    assert '<option value="25" selected>' in html


def test_pager_on_the_first_page_has_no_first_link(departments_60):
    html = render_to_string("web/pager.html", {"listing": _listing()})
    assert 'rel="first"' not in html and 'rel="prev"' not in html
    assert 'rel="last"' in html


@pytest.mark.parametrize(
    ("params", "start", "end", "error"),
    [
        ({}, None, None, ""),
        ({"date_from": "2026-03-01"}, "2026-03-01", None, ""),
        ({"date_from": "2026-03-01", "date_to": "2026-03-01"}, "2026-03-01", "2026-03-01", ""),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, None, None, "starts after"),
        ({"date_to": "2026-02-30"}, None, None, "YYYY-MM-DD"),
        ({"date_from": "1899-12-31"}, None, None, "YYYY-MM-DD"),
        ({"date_to": "abc"}, None, None, "YYYY-MM-DD"),
    ],
)
def test_list_period_checks_the_dates(params, start, end, error):
    import datetime

    from ladoga.web.listing import list_period

    period = list_period(params)
    assert period.date_from == (datetime.date.fromisoformat(start) if start else None)
    assert period.date_to == (datetime.date.fromisoformat(end) if end else None)
    assert error in period.error and bool(period.error) == bool(error)
