"""Tax-number and bank-requisite checks (P10, P5): pure functions on plain values.

Each `*_check` takes what a person typed, returns the cleaned value (digits only) and raises
`TaxNumberInvalid` naming what is wrong. The rules:

- INN (ИНН): 10 digits for organisations, 12 for people and sole proprietors, with one or
  two control digits (python-stdnum `stdnum.ru.inn`).
- KPP (КПП): 9 characters: 4 digits (tax office), 2 digits or capital Latin letters
  (reason), 3 digits (number); only organisations have one.
- OGRN (ОГРН, 13 digits) / OGRNIP (ОГРНИП, 15 digits) with their control digit
  (`stdnum.ru.ogrn`).
- BIK (БИК): 9 digits. A settlement account (20 digits) and a correspondent account
  (20 digits, 30101…) carry a control key checked with the BIK by the Bank of Russia
  algorithm (weights 7-1-3 over 23 digits, the sum must end in 0).
- Foreign tax numbers: through the country's stdnum module (VAT, TIN, business numbers)
  where stdnum knows the country; elsewhere they are kept as typed.
"""

import importlib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn


@dataclass
class TaxNumberInvalid(ValueError):
    """A number that fails its format or control key; `reason` says which, for people."""

    reason: str

    def __str__(self) -> str:
        return self.reason


_SPACES = re.compile(r"[\s\-.]")
KPP_PATTERN = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
ACCOUNT_WEIGHTS = (7, 1, 3) * 8  # 24 ≥ the 23 digits of "bank part + account"


def digits_clean(value: str) -> str:
    """Drop spaces, dashes and dots people put into long numbers."""
    return _SPACES.sub("", value or "")


def inn_check(value: str, *, length: int | None = None) -> str:
    """A valid INN (10 or 12 digits with correct control digits); `length` narrows it."""
    inn = digits_clean(value)
    if inn and not inn.isdigit():
        raise TaxNumberInvalid(_("An INN has digits only."))
    if len(inn) not in (10, 12):
        raise TaxNumberInvalid(_("An INN has 10 digits (organisation) or 12 (person)."))
    if length is not None and len(inn) != length:
        raise TaxNumberInvalid(_("This INN must have %(length)d digits.") % {"length": length})
    try:
        return stdnum_inn.validate(inn)
    except StdnumError:
        raise TaxNumberInvalid(_("The INN's control digits do not match.")) from None


def inn_control_digits(base: str) -> str:
    """The control digit(s) to append to 9 digits (organisation) or 10 digits (person)."""
    if len(base) == 9:
        return stdnum_inn.calc_company_check_digit(base)
    if len(base) == 10:
        return stdnum_inn.calc_personal_check_digits(base)
    raise ValueError("an INN base has 9 or 10 digits")


def kpp_check(value: str) -> str:
    kpp = digits_clean(value).upper()
    if not KPP_PATTERN.match(kpp):
        raise TaxNumberInvalid(
            _("A KPP has 9 characters: 4 digits, 2 digits or Latin capitals, 3 digits.")
        )
    return kpp


def ogrn_check(value: str, *, length: int | None = None) -> str:
    """A valid OGRN (13 digits) or OGRNIP (15 digits); `length` narrows it.

    OGRN goes through `stdnum.ru.ogrn`. OGRNIP is checked here: stdnum (2.2) takes the
    14 digits mod 13 without the final mod 10 of the official rule, so it refuses every
    real OGRNIP whose remainder is 10, 11 or 12.
    """
    ogrn = digits_clean(value)
    if not ogrn.isdigit() or len(ogrn) not in (13, 15):
        raise TaxNumberInvalid(_("An OGRN has 13 digits, an OGRNIP 15."))
    if length is not None and len(ogrn) != length:
        raise TaxNumberInvalid(
            _("An organisation has a 13-digit OGRN.")
            if length == 13
            else _("A sole proprietor has a 15-digit OGRNIP.")
        )
    if len(ogrn) == 15:
        if ogrn[0] not in "34":
            raise TaxNumberInvalid(_("An OGRNIP starts with 3 or 4."))
        if ogrn_control_digit(ogrn[:14]) != ogrn[14]:
            raise TaxNumberInvalid(_("The OGRNIP's control digit does not match."))
        return ogrn
    try:
        return stdnum_ogrn.validate(ogrn)
    except StdnumError:
        raise TaxNumberInvalid(_("The OGRN's control digit does not match.")) from None


def ogrn_control_digit(base: str) -> str:
    """The control digit to append to 12 (OGRN) or 14 (OGRNIP) digits."""
    if len(base) == 12:
        return str(int(base) % 11 % 10)
    if len(base) == 14:
        return str(int(base) % 13 % 10)
    raise ValueError("an OGRN base has 12 or 14 digits")


def bik_check(value: str) -> str:
    bik = digits_clean(value)
    if not (bik.isdigit() and len(bik) == 9):
        raise TaxNumberInvalid(_("A BIK has 9 digits."))
    return bik


def _bank_part(bik: str, *, correspondent: bool, account: str) -> str:
    # A bank's own BIK ends in its 3-digit number; an account held directly at a Bank of
    # Russia office (RKC, BIK ending 000–002) or a correspondent account is keyed with
    # "0" and the BIK's 5th–6th digits instead.
    if correspondent or bik[-3:] in {"000", "001", "002"}:
        return "0" + bik[4:6]
    return bik[-3:]


def _key_sum(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, ACCOUNT_WEIGHTS, strict=False)) % 10


def account_check(value: str, *, bik: str) -> str:
    """A 20-digit settlement account whose control key matches the bank's BIK."""
    bik = bik_check(bik)
    account = digits_clean(value)
    if not (account.isdigit() and len(account) == 20):
        raise TaxNumberInvalid(_("A bank account number has 20 digits."))
    if _key_sum(_bank_part(bik, correspondent=False, account=account) + account):
        raise TaxNumberInvalid(_("The account number's control key does not match the BIK."))
    return account


def correspondent_account_check(value: str, *, bik: str) -> str:
    """A 20-digit correspondent account (30101…) keyed with the BIK, ending in its number."""
    bik = bik_check(bik)
    account = digits_clean(value)
    if not (account.isdigit() and len(account) == 20):
        raise TaxNumberInvalid(_("A correspondent account has 20 digits."))
    if not account.startswith("301"):
        raise TaxNumberInvalid(_("A correspondent account starts with 301."))
    if account[-3:] != bik[-3:]:
        raise TaxNumberInvalid(_("A correspondent account ends with the BIK's last 3 digits."))
    if _key_sum(_bank_part(bik, correspondent=True, account=account) + account):
        raise TaxNumberInvalid(_("The correspondent account's control key does not match the BIK."))
    return account


def account_control_digit(account: str, *, bik: str, correspondent: bool = False) -> str:
    """The control key (9th digit) that makes `account` valid with `bik`."""
    bank = _bank_part(bik, correspondent=correspondent, account=account)
    digits = bank + account[:8] + "0" + account[9:]
    rest = _key_sum(digits)
    # The key digit has weight 3 (position 11 of 23); 3 × 7 ≡ 1 (mod 10).
    return str((-rest * 7) % 10)


# stdnum modules tried, in order, for a foreign organisation's tax or registration number
# (VAT first, then tax and business registration numbers; personal identity numbers are
# left out on purpose).
FOREIGN_NUMBER_MODULES = (
    "vat", "tin", "uid", "businessid", "ein", "unp", "edrpou", "rntrc", "voen", "nipt",
    "nrt", "cuit", "abn", "acn", "bn", "cnpj", "rut", "uscc", "nit", "cpj", "cr", "dic",
    "stnr", "handelsregisternummer", "cvr", "rnc", "ruc", "kmkr", "registrikood", "cif",
    "nif", "ytunnus", "alv", "siren", "siret", "tva", "utr", "oib", "anum", "npwp", "hp",
    "gstin", "pan", "vsk", "iva", "pin", "brn", "pvm", "pvn", "ice", "idno", "edb", "pib",
    "rfc", "btw", "mva", "orgnr", "nip", "regon", "ddv", "maticna", "dph", "ninea", "uen",
    "moa", "mf", "vkn", "ubn", "mst", "rif", "nuit", "nifp", "tn",
)  # fmt: skip


def foreign_number_modules(country: str) -> list:
    """The stdnum modules that check numbers of `country` (ISO 3166 alpha-2)."""
    country = (country or "").lower()
    if not re.fullmatch(r"[a-z]{2}", country):
        return []
    package = "in_" if country == "in" else "is_" if country == "is" else country
    modules, seen = [], set()
    for name in FOREIGN_NUMBER_MODULES:
        if name in seen:
            continue
        seen.add(name)
        try:
            modules.append(importlib.import_module(f"stdnum.{package}.{name}"))
        except ImportError:
            continue
    return modules


def foreign_number_check(value: str, *, country: str) -> str:
    """A foreign tax number valid for `country` where stdnum knows one of its numbers.

    Accepts it if any of the country's known numbers validates it (a German VAT or
    Steuernummer, a Belarusian UNP, a Kazakh BIN…); when stdnum knows none for the
    country, the number is kept as typed (trimmed).
    """
    number = (value or "").strip()
    modules = foreign_number_modules(country)
    if not modules:
        return number
    for module in modules:
        try:
            return module.compact(module.validate(number))
        except StdnumError:
            continue
        except Exception:  # noqa: S112 -- a module with extra required arguments: skip it
            continue
    raise TaxNumberInvalid(
        _("This is not a valid tax number for %(country)s.") % {"country": country.upper()}
    )
