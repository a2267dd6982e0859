"""P10, P5: tax numbers and bank requisites, checked as pure functions (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ladoga.partners import taxnumbers as t

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _weighted(number: str, weights) -> int:
    return sum(int(d) * w for d, w in zip(number, weights, strict=False))


# An independent statement of the FNS rule, to tell real misses of the algorithm apart.
INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_valid_by_rule(inn: str) -> bool:
    if len(inn) == 10:
        return _weighted(inn, INN10_WEIGHTS) % 11 % 10 == int(inn[9])
    first = _weighted(inn, INN12_WEIGHTS_1) % 11 % 10
    second = _weighted(inn, INN12_WEIGHTS_2) % 11 % 10
    return first == int(inn[10]) and second == int(inn[11])


def _mutations(number: str, position: int):
    for digit in "0123456789":
        if digit != number[position]:
            yield number[:position] + digit + number[position + 1 :]


def _rejected(check, value, **kwargs) -> bool:
    try:
        check(value, **kwargs)
    except t.TaxNumberInvalid:
        return True
    return False


@given(base=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_an_inn10_with_correct_control_digit_is_accepted(base):
    inn = base + t.inn_control_digits(base)

    assert t.inn_check(inn) == inn
    assert t.inn_check(inn, length=10) == inn


@given(base=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_an_inn12_with_correct_control_digits_is_accepted(base):
    inn = base + t.inn_control_digits(base)

    assert t.inn_check(f"{inn[:4]} {inn[4:]}") == inn


@given(
    base=st.text(alphabet="0123456789", min_size=9, max_size=11).filter(lambda b: len(b) != 11),
    position=st.integers(min_value=0, max_value=11),
)
def test_a_single_digit_change_of_an_inn_is_rejected(base, position):
    """Any single-digit change is rejected, except the one blind spot of the FNS rule itself:
    the weighted sum is taken mod 11 and then mod 10, so residues 0 and 10 share a control
    digit. Those changes pass the official algorithm too (checked independently)."""
    inn = base + t.inn_control_digits(base)
    position %= len(inn)
    for changed in _mutations(inn, position):
        assert _rejected(t.inn_check, changed) != inn_valid_by_rule(changed)
        if position >= 9:  # a control digit itself: always caught
            assert _rejected(t.inn_check, changed)


def test_an_inn_blind_spot_of_the_official_rule_is_rare():
    missed = total = 0
    for seed in range(0, 200_000, 997):
        base = f"{seed:09d}"
        inn = base + t.inn_control_digits(base)
        for position in range(9):
            for changed in _mutations(inn, position):
                total += 1
                missed += not _rejected(t.inn_check, changed)
    assert missed / total < 0.02


@pytest.mark.parametrize(
    "value, reason",
    [
        ("7707083894", "control digits"),  # a real INN with its last digit changed
        ("770708389", "10 digits"),
        ("77070838931", "10 digits"),
        ("77O7083893", "digits only"),
        ("", "10 digits"),
    ],
)
def test_an_inn_with_a_wrong_control_digit_or_length_is_rejected(value, reason):
    with pytest.raises(t.TaxNumberInvalid) as error:
        t.inn_check(value)

    assert reason in error.value.reason


def test_an_inn_of_the_wrong_length_for_the_kind_is_rejected():
    with pytest.raises(t.TaxNumberInvalid, match="12 digits"):
        t.inn_check("7707083893", length=12)


@pytest.mark.parametrize("kpp", ["770101001", "7701AB001", "7701 01 001", "7701ab001"])
def test_a_well_formed_kpp_is_accepted(kpp):
    assert len(t.kpp_check(kpp)) == 9


@pytest.mark.parametrize("kpp", ["77010100", "7701010011", "77A101001", "770101A01", "КПП101001"])
def test_a_malformed_kpp_is_rejected(kpp):
    with pytest.raises(t.TaxNumberInvalid, match="9 characters"):
        t.kpp_check(kpp)


@given(base=st.from_regex(r"[15][0-9]{11}", fullmatch=True), position=st.integers(0, 12))
def test_an_ogrn_is_accepted_and_a_changed_control_digit_rejected(base, position):
    ogrn = base + t.ogrn_control_digit(base)

    assert t.ogrn_check(ogrn, length=13) == ogrn
    for changed in _mutations(ogrn, 12):
        assert _rejected(t.ogrn_check, changed)
    for changed in _mutations(ogrn, position):
        # The rule (number mod 11 mod 10) is blind only where the residues 0 and 10 meet.
        passes_rule = changed[0] != "0" and int(changed[:12]) % 11 % 10 == int(changed[12])
        assert _rejected(t.ogrn_check, changed) != passes_rule


@given(base=st.from_regex(r"3[0-9]{13}", fullmatch=True))
def test_an_ogrnip_is_accepted_and_a_changed_control_digit_rejected(base):
    ogrnip = base + t.ogrn_control_digit(base)

    assert t.ogrn_check(ogrnip, length=15) == ogrnip
    for changed in _mutations(ogrnip, 14):
        assert _rejected(t.ogrn_check, changed)


def test_an_ogrn_of_the_wrong_length_is_rejected():
    with pytest.raises(t.TaxNumberInvalid, match="15-digit"):
        t.ogrn_check("1027700132195", length=15)
    with pytest.raises(t.TaxNumberInvalid, match="13 digits"):
        t.ogrn_check("10277001321")


def test_a_real_ogrn_is_accepted():
    assert t.ogrn_check("1027700132195") == "1027700132195"  # Sberbank


def test_an_ogrnip_whose_remainder_exceeds_nine_is_accepted():
    """The official rule keeps the last digit of the remainder mod 13 (stdnum does not)."""
    base = next(f"3{n:013d}" for n in range(10**6) if int(f"3{n:013d}") % 13 >= 10)

    assert t.ogrn_check(base + t.ogrn_control_digit(base), length=15)


@given(
    bik_tail=st.text(alphabet="0123456789", min_size=3, max_size=3),
    body=st.text(alphabet="0123456789", min_size=20, max_size=20),
    position=st.integers(0, 19),
)
def test_a_bank_account_with_a_correct_key_is_accepted_and_any_single_digit_change_rejected(
    bik_tail, body, position
):
    bik = "044525" + bik_tail
    account = body[:8] + t.account_control_digit(body, bik=bik) + body[9:]

    assert t.account_check(account, bik=bik) == account
    for changed in _mutations(account, position):
        assert _rejected(t.account_check, changed, bik=bik)


@given(
    bik_tail=st.text(alphabet="0123456789", min_size=3, max_size=3),
    middle=st.text(alphabet="0123456789", min_size=14, max_size=14),
    position=st.integers(0, 19),
)
def test_a_correspondent_account_is_checked_with_the_bik(bik_tail, middle, position):
    bik = "044525" + bik_tail
    raw = "301" + middle + bik_tail
    account = raw[:8] + t.account_control_digit(raw, bik=bik, correspondent=True) + raw[9:]

    assert t.correspondent_account_check(account, bik=bik) == account
    for changed in _mutations(account, position):
        assert _rejected(t.correspondent_account_check, changed, bik=bik)


def test_real_sberbank_requisites_are_accepted():
    bik = "044525225"
    assert t.correspondent_account_check("30101810400000000225", bik=bik)
    assert t.bik_check("04 45 25 225") == bik


@pytest.mark.parametrize("bik", ["04452522", "0445252255", "04452522X"])
def test_a_malformed_bik_is_rejected(bik):
    with pytest.raises(t.TaxNumberInvalid, match="9 digits"):
        t.bik_check(bik)


def test_a_settlement_account_keyed_with_another_bank_is_rejected():
    body = "40702810000000000001"
    account = body[:8] + t.account_control_digit(body, bik="044525225") + body[9:]

    with pytest.raises(t.TaxNumberInvalid, match="control key"):
        t.account_check(account, bik="044525974")


@pytest.mark.parametrize(
    "country, number",
    [("DE", "DE136695976"), ("BY", "UNP 200988541"), ("FR", "FR 40 303 265 045")],
)
def test_foreign_numbers_known_to_stdnum_are_checked(country, number):
    assert t.foreign_number_check(number, country=country)


@pytest.mark.parametrize("country, number", [("DE", "DE136695977"), ("BY", "200988542")])
def test_invalid_foreign_numbers_are_rejected(country, number):
    with pytest.raises(t.TaxNumberInvalid, match=country):
        t.foreign_number_check(number, country=country)


def test_a_number_of_a_country_stdnum_does_not_know_is_kept_as_typed():
    assert t.foreign_number_check(" 123 456 ", country="KZ") == "123 456"
