"""The one gate for entered values (core.guards): control characters in text, numbers
that do not fit their column, dates outside their range; and the export that survives a
bad character stored before the gate existed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ladoga.core.dates import (
    DATE_OUT_OF_RANGE,
    DATE_RULES,
    business_date_check,
    days_between,
)
from ladoga.core.errors import ValidationFailed
from ladoga.core.exports import Column, csv_lines, xlsx_file
from ladoga.core.limits import NUMBER_OUT_OF_RANGE, number_violation
from ladoga.core.text import TEXT_CONTROL_CHARACTER, control_characters_check, printable
from ladoga.sales.models import Price

TODAY = timezone.localdate()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_control_characters_are_refused(char):
    with pytest.raises(ValidationFailed) as caught:
        control_characters_check(f"Нуль{char}Байт", field="name")
    assert caught.value.codes == [TEXT_CONTROL_CHARACTER]
    assert caught.value.violations[0].field == "name"
    assert "control character" in caught.value.detail


def test_tab_and_line_breaks_pass_where_allowed():
    assert control_characters_check("a\tb\nc\r\nd", field="comment") == "a\tb\nc\r\nd"
    with pytest.raises(ValidationFailed):
        control_characters_check("one\nline", field="name", multiline=False)


def test_printable_replaces_what_a_spreadsheet_refuses():
    assert printable("ESC\x1b and NUL\x00, tab\tkept") == "ESC\ufffd and NUL\ufffd, tab\tkept"


def test_exports_survive_a_control_character():
    rows = [{"name": "Bad\x1bName"}, {"name": "Good"}]
    columns = [Column("Name", lambda row: row["name"])]
    handle = xlsx_file(rows, columns, title="Partners")
    sheet = load_workbook(handle).active
    assert [c.value for c in sheet["A"]] == ["Name", "Bad\ufffdName", "Good"]
    text = b"".join(csv_lines(rows, columns)).decode("utf-8-sig")
    assert "Bad\ufffdName" in text and "\x1b" not in text


PRICE = Price._meta.get_field("amount")  # max_digits=15, decimal_places=2


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1e400"),
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("12345678901234567890.55"),
        Decimal("1.123"),
        float("inf"),
    ],
)
def test_numbers_that_do_not_fit_the_column(value):
    found = number_violation(PRICE, value)
    assert found is not None
    assert found.code == NUMBER_OUT_OF_RANGE
    assert found.field == "amount"


def test_numbers_that_fit_the_column():
    assert number_violation(PRICE, Decimal("9999999999999.99")) is None
    assert number_violation(PRICE, Decimal("0.10")) is None


def test_integer_columns_keep_their_range():
    from ladoga.sales.models import Agreement

    days = Agreement._meta.get_field("delivery_days")  # PositiveIntegerField
    assert number_violation(days, -1).code == NUMBER_OUT_OF_RANGE
    assert number_violation(days, 2**40).code == NUMBER_OUT_OF_RANGE
    assert number_violation(days, 30) is None


@pytest.mark.parametrize(
    ("value", "future_days", "message"),
    [
        (datetime.date(1, 1, 1), 0, "cannot be earlier than"),
        (datetime.date(1999, 12, 31), 0, "cannot be earlier than"),
        (TODAY + datetime.timedelta(days=1), 0, "cannot be later than today"),
        (datetime.date(9999, 12, 31), 3660, "cannot be later than"),
    ],
)
def test_business_dates_out_of_range(value, future_days, message):
    with pytest.raises(ValidationFailed) as caught:
        business_date_check(value, field="opened_on", future_days=future_days)
    assert caught.value.codes == [DATE_OUT_OF_RANGE]
    assert message in caught.value.detail


def test_business_dates_in_range():
    assert business_date_check(TODAY, field="date") == TODAY
    assert business_date_check(datetime.date(2000, 1, 1), field="date")
    ahead = TODAY + datetime.timedelta(days=365)
    assert business_date_check(ahead, field="date", future_days=366) == ahead


def test_every_rule_names_a_real_date_field():
    from django.apps import apps

    for key in DATE_RULES:
        app_label, model_name, field_name = key.split(".")
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        assert field.get_internal_type() in ("DateField", "DateTimeField"), key


def test_durations_are_never_negative():
    assert days_between(datetime.date(2026, 3, 31), datetime.date(2026, 3, 1)) == 0
    assert days_between(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == 30


def test_a_nul_in_a_search_is_422_naming_the_character(api_as, db):
    """On PostgreSQL the driver refuses the NUL; on SQLite the search finds nothing."""
    from django.db import connection

    response = api_as("owner").get("/api/v1/partners", {"q": "Нуль\x00Байт"})
    if connection.vendor == "postgresql":
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == TEXT_CONTROL_CHARACTER
    else:
        assert response.status_code == 200
