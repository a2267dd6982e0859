"""Numbers, money and quantities as people read them, in the user's language.

Every page, report table, chart, PDF, notification and CSV export writes figures through
these functions, so an amount reads the same everywhere:

==========  ==========================  ==========================
            Russian                     English
==========  ==========================  ==========================
money       ``1 234 567,89 ₽``          ``RUB 1,234,567.89``
            ``1 234,56 $``              ``USD 1,234.56``
negative    ``-1 234,50 ₽``             ``-RUB 1,234.50``
quantity    ``3,5`` · ``12``            ``3.5`` · ``12``
percent     ``12,5 %``                  ``12.5%``
==========  ==========================  ==========================

The separators are Django's own locale formats (``DECIMAL_SEPARATOR``,
``THOUSAND_SEPARATOR``, ``NUMBER_GROUPING``): Russian groups thousands with U+00A0, a
no-break space, so a figure never breaks across lines; the same space stands between a
Russian amount and its currency sign. Django's formats already know both languages and
the forms parse with them, so no second library (Babel) is needed for two languages;
the money layout follows CLDR (sign after the number in Russian, the ISO code before it in
English — "RUB" rather than a sign an English reader may not know).

Money is rounded half-up to two decimals (`core.numbers.money`); quantities keep every
significant decimal and drop trailing zeros ("3,500" → "3,5", "12,000" → "12").
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils import formats, numberformat, translation
from django.utils.translation import gettext as _

from .numbers import half_up, money

NBSP = "\u00a0"
# The sign a Russian reader expects after the amount; any other currency shows its code.
RUSSIAN_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥", "GBP": "£", "KZT": "₸"}


def language_of(language: str | None = None) -> str:
    """The language to format for: the given one or the active one, as "ru" or "en"."""
    code = (language or translation.get_language() or "ru").lower()
    return code.split("-")[0].split("_")[0]


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def number_format(value, places: int | None = None, language: str | None = None) -> str:
    """A number with the language's decimal separator and grouped thousands; `places`
    decimals (half-up) when given, otherwise the number's own. "" for no number."""
    number = _decimal(value)
    if number is None:
        return ""
    if places is not None:
        number = half_up(number, places)
    if number == 0:
        number = abs(number)  # never "-0,00"
    lang = language_of(language)
    return numberformat.format(
        number,
        formats.get_format("DECIMAL_SEPARATOR", lang),
        decimal_pos=places,
        grouping=formats.get_format("NUMBER_GROUPING", lang) or 3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", lang),
        force_grouping=True,
    )


def amount_format(value, language: str | None = None) -> str:
    """An amount without its currency (a report column titled in the currency): two
    decimals, half-up, grouped."""
    return number_format(money(value) if _decimal(value) is not None else None, 2, language)


def money_format(amount, currency: str | None = "RUB", language: str | None = None) -> str:
    """An amount with its currency: "1 234,50 ₽" in Russian, "RUB 1,234.50" in English."""
    number = _decimal(amount)
    if number is None:
        return ""
    number = money(number)
    code = (currency or "RUB").upper()
    lang = language_of(language)
    digits = number_format(abs(number), 2, lang)
    sign = "-" if number < 0 else ""
    if lang == "ru":
        return f"{sign}{digits}{NBSP}{RUSSIAN_SIGNS.get(code, code)}"
    return f"{sign}{code}{NBSP}{digits}"


def quantity_format(value, language: str | None = None) -> str:
    """A quantity with every significant decimal and no trailing zeros: "3,5", "12"."""
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return number_format(number, None, language)


def percent_format(value, places: int = 1, language: str | None = None) -> str:
    """A percentage, half-up: "12,5 %" in Russian (no-break space), "12.5%" in English."""
    text = number_format(value, places, language)
    if not text:
        return ""
    return f"{text}{NBSP}%" if language_of(language) == "ru" else f"{text}%"


# What a person may type as a number: digits with one decimal separator (a comma or a
# dot), thousands optionally grouped by spaces ("1 234,5"); a leading minus.
GROUP_SPACES = " \u00a0\u202f"
_PLAIN = re.compile(r"^[-+−]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[-+−]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
DECIMAL_INVALID = "decimal_invalid"
DECIMAL_AMBIGUOUS = "decimal_ambiguous"


class DecimalTextError(ValueError):
    """Typed text that is not a number; `code` tells an ambiguous one from garbage."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def decimal_parse(text) -> Decimal | None:
    """The number a person typed, in either language: "3,5", "3.5", "1 234,5",
    "1 234.5" (spaces, no-break or narrow no-break spaces group the thousands).

    Refused with DecimalTextError: text with both a dot and a comma ("1.234,5" or
    "1,234.5" — which one is the decimal separator cannot be told, and guessing wrong
    changes the amount a thousandfold) and anything that is not a number ("abc").
    A lone separator is always the decimal one ("1,234" is 1.234, never a thousand), in
    both languages, so the same keys mean the same number for everyone.
    Empty text is None.
    """
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    for space in GROUP_SPACES:
        value = value.replace(space, " ")
    if "." in value and "," in value:
        raise DecimalTextError(
            DECIMAL_AMBIGUOUS,
            _(
                "“%(value)s” has both a dot and a comma; use one of them for the decimals "
                "and spaces for the thousands, like 1 234,5."
            )
            % {"value": text},
        )
    if not (_PLAIN.match(value) or _GROUPED.match(value)):
        raise DecimalTextError(
            DECIMAL_INVALID,
            _("“%(value)s” is not a number; enter one like 3,5 or 1 234,50.") % {"value": text},
        )
    return Decimal(value.replace(" ", "").replace(",", ".").replace("−", "-"))
