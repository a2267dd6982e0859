"""Issue 17, S4: the web XLSX import reads the stored upload, the import page keeps the
upload size limit, and a zip bomb is refused before any of it is unpacked (CLI and web)."""

import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ladoga.partners.exchange.commands import import_partners
from ladoga.partners.exchange.jobs import JobStatus, job_load
from ladoga.partners.models import Partner

from .test_import import _args, good_rows, write_xlsx
from .test_import_pages import job_id_of, mapping_post, upload

MIB = 1024 * 1024


def test_an_xlsx_round_trip_through_the_web_page(browser_as, tmp_path, snapshot):
    client = browser_as("owner")
    path = write_xlsx(tmp_path / "partners.xlsx", good_rows(3))

    uploaded = upload(client, path)
    assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    job_id = job_id_of(uploaded)
    page = client.get(uploaded.url).content.decode()
    assert "Наименование" in page

    assert client.post(uploaded.url, mapping_post(job_id)).status_code == 302
    job = job_load(job_id)
    assert job.status == JobStatus.DONE and job.report["counts"]["create"] == 3
    client.post(reverse("partners:import_run", args=[job_id]), {"action": "import"})
    assert Partner.objects.count() == 3


@override_settings(UPLOAD_MAX_BYTES=1 * MIB)
def test_the_import_page_refuses_a_file_over_the_upload_limit(browser_as, snapshot):
    line = "ООО Ромашка;7707083893\n".encode()
    body = "Наименование;ИНН\n".encode() + line * (MIB // len(line) + 2)
    assert MIB < len(body) < MIB + 1024
    response = browser_as("owner").post(
        reverse("partners:import"),
        {"file": SimpleUploadedFile("big.csv", body), "encoding": "utf-8"},
    )
    assert response.status_code == 400
    assert "The file is larger than 1 MB." in response.content.decode()
    assert snapshot()


def zip_bomb(path, size=100 * MIB):
    """A real workbook whose shared strings part unpacks to `size` bytes of one string."""
    write_xlsx(path, [["Ромашка", "7707083893", "", "", "", "клиент"]])
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member,
    ):
        member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        member.write(b"<si><t>")
        chunk = b"A" * MIB
        for _ in range(size // MIB):
            member.write(chunk)
        member.write(b"</t></si></sst>")
    return path


@pytest.fixture
def no_reading(monkeypatch):
    """Fail the test if openpyxl is asked to open the workbook at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_the_cli_refuses_a_zip_bomb_before_reading(tmp_path, owner, capsys, snapshot, no_reading):
    path = zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 200 * 1024

    assert import_partners(_args(path)) == 2

    err = capsys.readouterr().err
    assert "xl/sharedStrings.xml unpacks to 100 MiB" in err
    assert "Save the sheet as CSV" in err
    assert snapshot()


def test_the_web_page_refuses_a_zip_bomb_before_reading(browser_as, tmp_path, no_reading):
    path = zip_bomb(tmp_path / "bomb.xlsx")
    response = upload(browser_as("owner"), path)
    assert response.status_code == 400
    assert "unpacks to 100 MiB" in response.content.decode()
