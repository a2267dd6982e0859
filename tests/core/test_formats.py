"""Figures in the user's language (core.formats) and numbers typed in either language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ladoga.core.formats import (
    DECIMAL_AMBIGUOUS,
    DECIMAL_INVALID,
    DecimalTextError,
    amount_format,
    decimal_parse,
    money_format,
    number_format,
    percent_format,
    quantity_format,
)
from ladoga.web.forms import DecimalField

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "russian", "english"),
    [
        ("1234567.89", "RUB", "1 234 567,89 ₽", "RUB 1,234,567.89"),
        ("1234.5", "RUB", "1 234,50 ₽", "RUB 1,234.50"),
        ("-1234.5", "RUB", "-1 234,50 ₽", "-RUB 1,234.50"),
        ("0", "RUB", "0,00 ₽", "RUB 0.00"),
        ("-0.001", "RUB", "0,00 ₽", "RUB 0.00"),  # never "-0,00"
        ("999.995", "RUB", "1 000,00 ₽", "RUB 1,000.00"),  # half-up
        ("12", "rub", "12,00 ₽", "RUB 12.00"),
        ("1234.56", "USD", "1 234,56 $", "USD 1,234.56"),
        ("1234.56", "EUR", "1 234,56 €", "EUR 1,234.56"),
        ("1234.56", "CHF", "1 234,56 CHF", "CHF 1,234.56"),
        ("123456789012345.67", "RUB", "123 456 789 012 345,67 ₽", "RUB 123,456,789,012,345.67"),
    ],
)
def test_money_in_both_languages(amount, currency, russian, english):
    # the spaces in the expected texts are no-break spaces (U+00A0), as in Russian print
    assert money_format(Decimal(amount), currency, "ru") == russian.replace(" ", NBSP)
    assert money_format(Decimal(amount), currency, "en") == english.replace(" ", NBSP)


def test_the_russian_group_separator_is_a_no_break_space():
    text = money_format(Decimal("1234567.89"), "RUB", "ru")
    assert text == "1\u00a0234\u00a0567,89\u00a0\u20bd"
    assert " " not in text


def test_the_active_language_is_used_when_none_is_given():
    with translation.override("ru"):
        assert money_format(Decimal("1234.5")) == f"1{NBSP}234,50{NBSP}₽"
        assert amount_format("1234.5") == f"1{NBSP}234,50"
    with translation.override("en"):
        assert money_format(Decimal("1234.5")) == f"RUB{NBSP}1,234.50"
        assert amount_format("1234.5") == "1,234.50"


@pytest.mark.parametrize(
    ("quantity", "russian", "english"),
    [
        ("3.500", "3,5", "3.5"),
        ("12.000", "12", "12"),
        ("100", "100", "100"),
        ("0.000", "0", "0"),
        ("0.125", "0,125", "0.125"),
        ("1234567.250", "1 234 567,25", "1,234,567.25"),
        ("-2.50", "-2,5", "-2.5"),
    ],
)
def test_quantities_lose_their_trailing_zeros(quantity, russian, english):
    assert quantity_format(Decimal(quantity), "ru") == russian.replace(" ", NBSP)
    assert quantity_format(Decimal(quantity), "en") == english


def test_numbers_and_percentages():
    assert number_format(1234567, 0, "ru") == f"1{NBSP}234{NBSP}567"
    assert number_format(1234567, 0, "en") == "1,234,567"
    assert number_format(Decimal("6.25"), 1, "ru") == "6,3"  # half-up
    assert percent_format(Decimal("12.45"), 1, "ru") == f"12,5{NBSP}%"
    assert percent_format(Decimal("12.45"), 1, "en") == "12.5%"


@pytest.mark.parametrize("nothing", [None, "", "abc", float("nan"), Decimal("Infinity")])
def test_no_number_is_empty_text(nothing):
    assert money_format(nothing, "RUB", "ru") == ""
    assert quantity_format(nothing, "ru") == ""
    assert number_format(nothing, 2, "en") == ""


def test_template_filters_follow_the_active_language():
    template = Template(
        "{% load figures %}{{ total|money:currency }}|{{ q|quantity }}|{{ a|amount }}"
        "|{{ none|money|default:'—' }}"
    )
    context = {"total": Decimal("1234.5"), "currency": "RUB", "q": Decimal("3.500")}
    context["a"] = Decimal("1000")
    with translation.override("ru"):
        assert template.render(Context(context)) == f"1{NBSP}234,50{NBSP}₽|3,5|1{NBSP}000,00|—"
    with translation.override("en"):
        assert template.render(Context(context)) == f"RUB{NBSP}1,234.50|3.5|1,000.00|—"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3,5", "3.5"),
        ("3.5", "3.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),  # a no-break space, as copied from a page
        ("1\u202f234.5", "1234.5"),  # a narrow no-break space
        ("1 234 567", "1234567"),
        ("1234,50", "1234.50"),
        (" 12 ", "12"),
        ("-3,5", "-3.5"),
        ("0,001", "0.001"),
    ],
)
def test_typed_numbers_in_either_language_are_read(typed, number):
    assert decimal_parse(typed) == Decimal(number)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1.234,5", DECIMAL_AMBIGUOUS),
        ("1,234.5", DECIMAL_AMBIGUOUS),
        ("abc", DECIMAL_INVALID),
        ("3,5,1", DECIMAL_INVALID),
        ("12 34", DECIMAL_INVALID),  # spaces only between groups of three
        ("1e5", DECIMAL_INVALID),
        ("NaN", DECIMAL_INVALID),
        ("3.", DECIMAL_INVALID),
    ],
)
def test_ambiguous_or_garbled_numbers_are_refused(typed, code):
    with pytest.raises(DecimalTextError) as caught:
        decimal_parse(typed)
    assert caught.value.code == code


def test_the_form_field_says_why_in_the_users_language():
    field = DecimalField(max_digits=15, decimal_places=3)
    with translation.override("en"):
        assert field.clean("1 234,5") == Decimal("1234.5")
        with pytest.raises(Exception) as caught:
            field.clean("1.234,5")
        assert caught.value.messages == [
            "“1.234,5” has both a dot and a comma; use one of them for the decimals and "
            "spaces for the thousands, like 1 234,5."
        ]
    with translation.override("ru"):
        with pytest.raises(Exception) as caught:
            field.clean("abc")
        assert caught.value.messages == ["«abc» — не число; введите, например, 3,5 или 1 234,50."]
        # the value is shown back as the reader writes it
        assert field.widget.format_value(field.prepare_value(Decimal("3.5"))) == "3,5"
        assert field.widget.attrs["inputmode"] == "decimal"
