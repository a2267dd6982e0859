"""Issue 17, point 9: text with C0 control characters is refused everywhere it is entered
(API, forms, imports) and every export survives a bad character stored before the check."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ladoga.partners.models import ContactPerson, Partner

from .conftest import counts
from .test_import import good_rows, run, write_csv

MESSAGE = "The text contains a control character (such as NUL or ESC); remove it."


@pytest.mark.parametrize("name", ["Нуль\u0000Байт", "Эскейп\u001b", "Звонок\u0007"])
def test_a_partner_name_with_a_control_character_is_422(api_as, snapshot, name):
    response = api_as("owner").post("/api/v1/partners", {"name": name})
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"code": "text_control_character", "message": MESSAGE, "field": "name"}
    ]
    assert snapshot()


def test_a_comment_may_hold_tabs_and_lines(api_as):
    response = api_as("owner").post(
        "/api/v1/partners", {"name": "Tabs", "comment": "one\ttwo\r\nthree"}
    )
    assert response.status_code == 201
    assert Partner.objects.get().comment == "one\ttwo\r\nthree"


def test_a_contact_name_with_nul_is_422(api_as, partner_of, snapshot):
    partner = partner_of("owner")
    before = counts()
    response = api_as("owner").post(
        "/api/v1/contacts", {"partner_id": partner.pk, "last_name": "Ив\u0000анов"}
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == "text_control_character"
    assert counts() == before
    assert not ContactPerson.objects.exists()


def test_the_partner_form_shows_the_error_on_the_field(browser_as, snapshot):
    response = browser_as("owner").post(
        reverse("partners:create"), {"name": "Эскейп\u001b", "kind": "company", "roles": "client"}
    )
    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert not Partner.objects.exists()


def test_the_xlsx_and_csv_exports_survive_a_stored_control_character(browser_as, partner_of):
    partner = partner_of("owner", name="Эскейп")
    Partner.objects.filter(pk=partner.pk).update(name="Эскейп\u001bИмя")
    client = browser_as("owner")
    response = client.get(reverse("partners:list"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=2).value == "Эскейп\ufffdИмя"
    response = client.get(reverse("partners:list"), {"format": "csv"})
    assert "Эскейп\ufffdИмя" in b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize("char", ["\u001b", "\u0000", "\u0007"])
def test_an_import_row_with_a_control_character_is_an_error(tmp_path, owner, snapshot, char):
    rows = good_rows(2)
    rows[1][0] = f"ООО «Эскейп{char}»"
    path = write_csv(tmp_path / "p.csv", rows)

    report = run(path, owner, dry_run=False)

    assert report.counts["error"] == 1
    assert any("control character" in m for r in report.rows for m in r.messages)
    assert report.refused and snapshot()
