"""P9: duplicate candidates by INN, phone, e-mail and fuzzy name, ranked with reasons."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ladoga.core.errors import ValidationFailed
from ladoga.partners import keys, services
from ladoga.partners.duplicates import duplicates_find, name_similarity

from .conftest import inn10


@pytest.mark.parametrize(
    "a, b",
    [
        ('ООО "Ромашка"', "Romashka LLC"),
        ("«Ромашка» АО", "ромашка"),
        ("ПАО «Северсталь»", "Severstal PJSC"),
        ("Щука GmbH", "Schuka"),
        ("ИП Иванов Иван", "Ivanov Ivan"),
    ],
)
def test_names_meet_across_legal_forms_quotes_case_and_alphabets(a, b):
    assert name_similarity(a, b) >= 90


def test_different_names_do_not_meet():
    assert name_similarity("Ромашка", "Василёк") < 60


_letters = st.text(alphabet="abcdefghijklmnoprstuvyz", min_size=7, max_size=14)


@st.composite
def _word_and_typo(draw):
    """A word of seven letters or more and the same word with one typo inside it (the
    first and the last letter kept): a letter changed, dropped, doubled or two swapped.
    (In a six-letter word two letters swapped across its middle change all four keys.)"""
    word = draw(_letters)
    assume(keys.name_words(word) == [word])
    at = draw(st.integers(min_value=1, max_value=len(word) - 3))
    letter = draw(st.sampled_from("abcdefghijklmnoprstuvyz"))
    typo = draw(
        st.sampled_from(
            [
                word[:at] + letter + word[at + 1 :],
                word[:at] + word[at + 1 :],
                word[:at] + word[at] + word[at:],
                word[:at] + word[at + 1] + word[at] + word[at + 2 :],
            ]
        )
    )
    assume(keys.name_words(typo) == [typo])
    return word, typo


@given(_word_and_typo())
def test_a_word_and_its_typo_share_two_search_keys(pair):
    """Two shared keys lift the right partner above the thousands that share one common
    ending ("s:med") with it, whatever the typo inside the word."""
    word, typo = pair
    assert len(keys.name_search_keys(word) & keys.name_search_keys(typo)) >= 2


def test_legal_forms_only_are_still_a_name():
    assert keys.name_key("ООО") == "ooo"


@pytest.fixture
def known(partner_of, owner):
    romashka = partner_of(name="ООО «Ромашка»")
    services.counterparty_create(partner=romashka, short_name="Ромашка", inn=inn10(9), by=owner)
    services.contact_info_add(owner=romashka, kind="phone", value="+7 912 345-67-89")
    vasilek = partner_of(name="Василёк")
    contact = services.contact_create(partner=vasilek, last_name="Орлов", by=owner)
    services.contact_info_add(owner=contact, kind="email", value="Info@Vasilek.ru")
    partner_of(name="Совсем другая фирма")
    return romashka, vasilek


def test_candidates_are_ranked_with_their_reasons(known):
    romashka, vasilek = known

    found = duplicates_find(
        name="Romashka", inn=inn10(9), phone="8 912 345 67 89", email="INFO@vasilek.RU"
    )

    assert [c.partner for c in found] == [romashka, vasilek]
    assert [r.message for r in found[0].reasons] == [
        f"same INN {inn10(9)}",
        "same phone +7 912 345-67-89",
        "name 100 % similar",
    ]
    assert found[0].score == 100
    assert [r.message for r in found[1].reasons] == ["same e-mail info@vasilek.ru"]


def test_a_typo_in_the_name_is_found(known):
    romashka, _vasilek = known

    [candidate] = duplicates_find(name="ООО Ромашкаа")

    assert candidate.partner == romashka
    assert candidate.reasons[0].code == "name"
    assert 85 <= int(candidate.reasons[0].message.split()[1]) < 100


def test_archived_and_excluded_partners_are_not_candidates(known, owner):
    romashka, vasilek = known
    services.partner_archive(partner=vasilek, by=owner)

    assert duplicates_find(email="info@vasilek.ru") == []
    assert duplicates_find(name="Ромашка", exclude=[romashka.pk]) == []


def test_a_phone_that_is_not_a_number_is_refused(db):
    with pytest.raises(ValidationFailed) as error:
        duplicates_find(phone="abc")

    assert error.value.codes == ["phone_invalid"]


def test_the_check_costs_the_same_few_queries_however_many_partners(
    partner_of, django_assert_max_num_queries
):
    for index in range(30):
        partner_of(name=f"Фирма {index}")

    with django_assert_max_num_queries(6):
        duplicates_find(name="Фирма 7", inn=inn10(1), phone="+79120000000", email="a@b.ru")


def test_only_the_first_places_are_given_and_ties_go_by_name(partner_of, owner):
    """Twelve partners share a phone (90 each), one also the name (95): the best first,
    then the ties in name order, cut at the limit."""
    names = [
        "Мю",
        "Лямбда",
        "Каппа",
        "Йота",
        "Тета",
        "Эта",
        "Зета",
        "Эпсилон",
        "Дельта",
        "Гамма",
        "Бета",
        "Альфа",
    ]
    for name in names:
        partner = partner_of(name=f"ООО «{name}»")
        services.contact_info_add(owner=partner, kind="phone", value="+7 912 555-00-11")
    partner_of(name="ООО «Лямбда-Юг»")  # a similar name without the phone: further down

    found = duplicates_find(name="Лямбда", phone="8 (912) 555-00-11", limit=5)

    assert [c.partner.name for c in found] == [
        "ООО «Лямбда»", "ООО «Альфа»", "ООО «Бета»", "ООО «Гамма»", "ООО «Дельта»"
    ]  # fmt: skip
    assert found[0].codes == ["phone", "name"] and found[0].score > found[1].score
    assert {c.score for c in found[1:]} == {90}


def test_a_typo_finds_its_partner_among_many_with_the_same_ending(partner_of):
    """Eighty partners share the ending "med" with «Рубинмед»; its typo «Руубинмед» shares
    only that ending with them, so the rare first-letter-and-ending key must rank it among
    the nearest even when the candidates are cut short."""
    from ladoga.partners import duplicates

    for number in range(80):
        root = ("Альфа", "Бета", "Гамма", "Дельта")[number % 4]
        partner_of(name=f"ООО «{root}мед-{number}»")
    rubinmed = partner_of(name="ООО «Рубинмед»")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(duplicates, "CANDIDATE_CAP", 5)
        found = duplicates_find(name="ООО «Руубинмед»")

    assert [c.partner for c in found] == [rubinmed]


def test_more_evidence_ranks_first_even_past_the_score_cap(partner_of, owner):
    """Issue 17 #14: INN and name (shown 100) outranks INN alone (also 100), although the
    INN-only partner comes first by name."""
    by_inn_and_name = partner_of(name="Ярило")
    by_inn_only = partner_of(name="Аист")
    for partner, kpp in ((by_inn_and_name, "770101001"), (by_inn_only, "770201001")):
        services.counterparty_create(
            partner=partner, short_name=partner.name, inn=inn10(5), kpp=kpp, by=owner
        )

    found = duplicates_find(name="Ярило", inn=inn10(5))

    assert [c.partner for c in found] == [by_inn_and_name, by_inn_only]
    assert found[0].codes == ["inn", "name"] and found[1].codes == ["inn"]
    assert found[0].score == found[1].score == 100
