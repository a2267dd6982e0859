"""core.text: a contains-comparison that ignores case in every alphabet on both databases
(SQLite's own LIKE folds Latin letters only)."""

import pytest

from ladoga.accounts.models import Department
from ladoga.core.text import any_case_glob, text_contains_q


@pytest.fixture
def departments(db):
    for name in ("Отдел ПРОДАЖ", "Straße Sales", "Склад", "100% план", "a_b"):
        Department.objects.create(name=name)


@pytest.mark.parametrize(
    "q, found",
    [
        ("продаж", {"Отдел ПРОДАЖ"}),
        ("ОТДЕЛ", {"Отдел ПРОДАЖ"}),
        ("straße SALES", {"Straße Sales"}),
        ("%", {"100% план"}),  # a wildcard character is only itself
        ("_", {"a_b"}),
        ("*", set()),  # nor is a GLOB wildcard
        ("[", set()),
        ("нет такого", set()),
    ],
)
def test_text_contains_ignores_case_in_every_alphabet(departments, q, found):
    matched = Department.objects.filter(text_contains_q(("name",), q))

    assert set(matched.values_list("name", flat=True)) == found


def test_the_sqlite_pattern_holds_both_cases_of_each_letter():
    assert any_case_glob("Ив 7") == "*[иИ][вВ] 7*"
    assert any_case_glob("a*b?[c]") == "*[aA][*][bB][?][[][cC][]]*"
