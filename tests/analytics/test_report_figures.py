"""A report's figures in the reader's language: the table on the page, the chart's
fallback table, and the CSV download (";" and a decimal comma in Russian, "," and a dot in
English, a UTF-8 BOM in both). The XLSX keeps numbers as numbers."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from ladoga.accounts.models import User

NBSP = "\u00a0"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PAGE = "/reports/revenue-by-partner/"


def speaking(language: str):
    User.objects.filter(username="admin").update(language=language)


def test_the_report_table_in_russian(browser_as, sales_rows):
    speaking("ru")
    html = browser_as("admin").get(PAGE, MARCH).content.decode()
    assert f'<td class="number nowrap">3{NBSP}000,00</td>' in html
    assert f'<td class="number nowrap">1{NBSP}250,50</td>' in html
    assert '<td class="number nowrap">67,4</td>' in html  # a share, one decimal
    assert "3,000.00" not in html


def test_the_report_table_in_english(browser_as, sales_rows):
    html = browser_as("admin").get(PAGE, MARCH).content.decode()
    assert '<td class="number nowrap">3,000.00</td>' in html
    assert '<td class="number nowrap">1,250.50</td>' in html
    assert '<td class="number nowrap">67.4</td>' in html


def _download(browser_as, fmt: str) -> bytes:
    response = browser_as("admin").get(PAGE, {**MARCH, "format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_csv_in_russian_has_a_bom_semicolons_and_decimal_commas(browser_as, sales_rows):
    speaking("ru")
    content = _download(browser_as, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content[3:].decode().splitlines()
    assert lines[0].startswith("Партнёр;")
    assert any(line.endswith(";3000,00;500,00;67,4") or ";3000,00;" in line for line in lines)
    assert "3000.00" not in content.decode("utf-8-sig")


def test_the_csv_in_english_has_a_bom_commas_and_decimal_dots(browser_as, sales_rows):
    content = _download(browser_as, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content[3:].decode().splitlines()
    assert lines[0].startswith("Partner,")
    assert any(",3000.00," in line for line in lines)
    assert ";" not in lines[0]


def test_the_xlsx_keeps_numbers_as_numbers_in_russian(browser_as, sales_rows):
    speaking("ru")
    sheet = load_workbook(io.BytesIO(_download(browser_as, "xlsx"))).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert Decimal("3000") in [Decimal(str(v)) for v in values if isinstance(v, int | float)]
