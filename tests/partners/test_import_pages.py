"""The import pages: upload, mapping, a dry run and the import as background jobs (huey runs
them at once under tests), the progress fragment, and jobs kept to their owner."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ladoga.partners.exchange.jobs import JobStatus, job_load, jobs_prune
from ladoga.partners.models import Partner

from .conftest import counts
from .test_import import HEADER, good_rows, write_csv


def upload(client, path, encoding="utf-8"):
    return client.post(
        reverse("partners:import"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "encoding": encoding},
    )


def job_id_of(response) -> str:
    return response.url.rstrip("/").split("/")[-1]


def mapping_post(job_id, headers=HEADER):
    from ladoga.partners.exchange.tabular import mapping_guess

    guessed = mapping_guess(headers)
    return {f"c{i}": guessed.get(i, "") for i in range(len(headers))}


def test_upload_map_dry_run_then_import(browser_as, tmp_path):
    client = browser_as("owner")
    path = write_csv(tmp_path / "partners.csv", good_rows(4))

    uploaded = upload(client, path)
    assert uploaded.status_code == 302
    job_id = job_id_of(uploaded)
    page = client.get(uploaded.url).content.decode()
    assert 'data-testid="mapping-form"' in page and "Наименование" in page

    dry = client.post(uploaded.url, mapping_post(job_id))
    assert dry.status_code == 302
    job = job_load(job_id)
    assert job.status == JobStatus.DONE and job.report["dry_run"]
    assert job.report["counts"]["create"] == 4
    report = client.get(uploaded.url).content.decode()
    assert 'data-testid="import-dry-run"' in report
    assert not Partner.objects.exists()

    client.post(reverse("partners:import_run", args=[job_id]), {"action": "import"})
    assert Partner.objects.count() == 4
    assert 'data-testid="import-done"' in client.get(uploaded.url).content.decode()


def test_broken_rows_are_imported_only_when_chosen(browser_as, tmp_path):
    client = browser_as("owner")
    rows = good_rows(10)
    rows[3][1] = "7707083890"
    job_url = upload(client, write_csv(tmp_path / "p.csv", rows)).url
    job_id = job_url.rstrip("/").split("/")[-1]
    client.post(job_url, mapping_post(job_id))

    client.post(reverse("partners:import_run", args=[job_id]), {"action": "import"})
    refused = client.get(job_url).content.decode()
    assert 'data-testid="import-refused"' in refused
    assert not Partner.objects.exists()

    client.post(
        reverse("partners:import_run", args=[job_id]), {"action": "import", "skip_invalid": "on"}
    )
    assert Partner.objects.count() == 9


def test_upload_errors_are_shown_in_the_form_and_nothing_is_kept(browser_as, tmp_path, files_root):
    client = browser_as("owner")
    before = counts()
    wrong = upload(client, write_csv(tmp_path / "p.csv", good_rows(2), encoding="cp1251"))
    assert wrong.status_code == 400
    assert "The file is not in UTF-8" in wrong.content.decode()
    garbage = tmp_path / "p.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not a workbook")
    assert "not a readable .xlsx workbook" in upload(client, garbage).content.decode()
    assert counts() == before
    assert not any((files_root / "imports").iterdir())


def test_a_mapping_without_the_name_is_refused(browser_as, tmp_path):
    client = browser_as("owner")
    job_url = upload(client, write_csv(tmp_path / "p.csv", good_rows(2))).url
    job_id = job_url.rstrip("/").split("/")[-1]
    data = mapping_post(job_id)
    data["c0"] = ""
    response = client.post(job_url, data)
    assert response.status_code == 400
    assert "Required columns are missing: Name" in response.content.decode()
    assert job_load(job_id).status == JobStatus.UPLOADED


def test_progress_fragment_polls_while_running_and_reloads_when_done(browser_as, tmp_path):
    client = browser_as("owner")
    job_url = upload(client, write_csv(tmp_path / "p.csv", good_rows(2))).url
    job_id = job_url.rstrip("/").split("/")[-1]
    job = job_load(job_id)
    job.status, job.total, job.processed = JobStatus.RUNNING, 10, 4
    job.save()

    running = client.get(reverse("partners:import_progress", args=[job_id]))
    body = running.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="40"' in body and "4 of 10 rows" in body

    job.status = JobStatus.DONE
    job.save()
    done = client.get(reverse("partners:import_progress", args=[job_id]))
    assert done["HX-Refresh"] == "true"


def test_a_job_belongs_to_its_user(browser_as, tmp_path):
    job_url = upload(browser_as("owner"), write_csv(tmp_path / "p.csv", good_rows(1))).url
    job_id = job_url.rstrip("/").split("/")[-1]
    other = browser_as("admin")
    assert other.get(job_url).status_code == 404
    assert other.get(reverse("partners:import_progress", args=[job_id])).status_code == 404
    assert other.post(reverse("partners:import_run", args=[job_id])).status_code == 404
    assert (
        browser_as("owner").get(reverse("partners:import_job", args=["not-a-job"])).status_code
        == 404
    )


def test_claims_officers_cannot_import(browser_as):
    assert browser_as("claims").get(reverse("partners:import")).status_code == 403


def test_old_jobs_are_pruned(browser_as, tmp_path):
    import os
    import time

    job_url = upload(browser_as("owner"), write_csv(tmp_path / "p.csv", good_rows(1))).url
    job_id = job_url.rstrip("/").split("/")[-1]
    folder = job_load(job_id).folder
    old = time.time() - 8 * 86400
    os.utime(folder, (old, old))
    assert jobs_prune() == 1
    assert job_load(job_id) is None


def test_a_job_run_twice_runs_once(browser_as, tmp_path):
    from ladoga.partners.exchange.importer import job_run

    client = browser_as("owner")
    job_url = upload(client, write_csv(tmp_path / "p.csv", good_rows(2))).url
    job_id = job_url.rstrip("/").split("/")[-1]
    client.post(job_url, mapping_post(job_id))
    client.post(reverse("partners:import_run", args=[job_id]), {"action": "import"})
    job_run(job_id)  # a retry of the same task
    assert Partner.objects.count() == 2
