"""CSV/XLSX export of the partner list: the filtered rows, formulas neutralised, access."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from ladoga.partners import services

from .conftest import inn10


def _list(client, **params):
    return client.get(reverse("partners:list"), params)


def test_export_of_the_filtered_list_as_csv_and_xlsx(browser_as, partner_of, owner):
    evil = partner_of("owner", name='=HYPERLINK("http://evil")', roles=["client"])
    services.counterparty_create(partner=evil, short_name="Злодей", inn=inn10(7), by=owner)
    partner_of("owner", name="Поставщик", roles=["supplier"])
    client = browser_as("owner")

    response = _list(client, role="client", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:2] == ["ID", "Name"]
    assert len(rows) == 2  # the filter applies: no supplier
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][4] == inn10(7)

    response = _list(client, role="client", format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_export_in_an_unknown_format_is_refused(browser_as, partner_of):
    partner_of("owner", name="Ромашка")
    response = _list(browser_as("owner"), format="pdf")
    assert response.status_code == 400
    assert "Unknown export format pdf" in response.content.decode()


def test_export_holds_only_what_the_user_may_see_and_every_page(browser_as, partner_of):
    for number in range(30):
        partner_of("owner", name=f"Свой {number:02d}")
    partner_of("outsider", name="Чужой")
    response = _list(browser_as("owner"), format="csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.count("Свой") == 30 and "Чужой" not in body
