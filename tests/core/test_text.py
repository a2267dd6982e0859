"""core.text: a contains-comparison that ignores case in every alphabet on both databases
(SQLite's own LIKE and lower() fold Latin letters only)."""

import pytest

from ladoga.accounts.models import Department
from ladoga.core.text import UnicodeLower, text_contains_q


@pytest.fixture
def departments(db):
    for name in ("Отдел ПРОДАЖ", "Straße Sales", "Склад", "100% план", "a_b"):
        Department.objects.create(name=name)


@pytest.mark.parametrize(
    "q, found",
    [
        ("продаж", {"Отдел ПРОДАЖ"}),
        ("ОТДЕЛ", {"Отдел ПРОДАЖ"}),
        ("STRASSE", set()),  # lower case, as PostgreSQL's LOWER(): ß stays ß
        ("straße SALES", {"Straße Sales"}),
        ("%", {"100% план"}),  # a wildcard character is only itself
        ("_", {"a_b"}),
        ("нет такого", set()),
    ],
)
def test_text_contains_ignores_case_in_every_alphabet(departments, q, found):
    matched = Department.objects.filter(text_contains_q(("name",), q))

    assert set(matched.values_list("name", flat=True)) == found


def test_lower_case_is_the_same_on_both_databases(departments):
    lowered = Department.objects.annotate(lowered=UnicodeLower("name")).get(name="Отдел ПРОДАЖ")

    assert lowered.lowered == "отдел продаж"
