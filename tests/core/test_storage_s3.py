"""Attachments in an S3-compatible store (X6), against a real server (moto in server mode).

The same checks and access rules as with the local folder; files are written to the bucket
under generated names, served through Ladoga's access-checked views (or a 60-second signed
URL when configured), removed with their records, and never left behind by a rollback. A
store that is down refuses the upload with a clear message and records nothing.
"""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from moto.server import ThreadedMotoServer

from ladoga.claims.services import claim_create
from ladoga.core.errors import FileStoreUnavailable
from ladoga.core.models import Attachment
from ladoga.core.services import attachment_add, attachment_delete
from ladoga.partners.services import partner_create
from ladoga.settings import storage_from_url
from tests.core.test_attachments import ELF, PDF, PNG, stored_files, upload
from tests.testapp.models import Memo

UNAVAILABLE = "The file store is unavailable, so the file was not saved."


@pytest.fixture
def memo(owner):
    return Memo.objects.create(owner=owner, title="With files")


@pytest.fixture
def store_down(s3_bucket, settings, files_root):
    """Point Ladoga at a second S3 server (same buckets) that has just been stopped."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    server.stop()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(s3_bucket.url(f"http://{host}:{port}"), home=files_root),
    }
    return s3_bucket


def test_api_upload_goes_to_the_bucket_under_a_generated_name(api_as, memo, s3_bucket, files_root):
    client = api_as("owner")

    response = upload(client, memo, "logo.png", PNG)

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert s3_bucket.keys() == [f"attachments/{attachment.stored_name}"]
    assert "logo" not in attachment.stored_name
    assert attachment.stored_name.startswith(f"{timezone.localdate():%Y/%m}/")
    assert s3_bucket.read(f"attachments/{attachment.stored_name}") == PNG
    assert stored_files(files_root) == []  # nothing in the local folder
    acl = s3_bucket.client.get_object_acl(
        Bucket=s3_bucket.name, Key=f"attachments/{attachment.stored_name}"
    )
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only
    key = f"{s3_bucket.name}/attachments/{attachment.stored_name}"
    assert httpx.get(f"{s3_bucket.endpoint}/{key}").status_code == 403  # not public


def test_download_streams_from_the_bucket_after_the_access_check(
    api_as, browser_as, owner, memo, s3_bucket
):
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("акт.pdf", PDF), by=owner)

    for response in (
        api_as("owner").get(f"/api/v1/files/{attachment.pk}/content"),
        browser_as("owner").get(f"/files/{attachment.pk}/"),
    ):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%D0%B0%D0%BA%D1%82.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
    assert api_as("outsider").get(f"/api/v1/files/{attachment.pk}/content").status_code == 404
    assert browser_as("outsider").get(f"/files/{attachment.pk}/").status_code == 404
    assert browser_as("colleague").get(f"/files/{attachment.pk}/").status_code == 404


def test_ui_upload_to_a_claim_goes_to_the_bucket(browser_as, owner, s3_bucket):
    partner = partner_create(name="Ромашка", roles=["client"], manager=owner, by=owner)
    claim = claim_create(partner=partner, essence="Broken boxes", by=owner)
    client = browser_as("owner")

    response = client.post(
        f"/claims/{claim.pk}/files/", {"file": SimpleUploadedFile("photo.png", PNG)}
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.target == claim
    assert s3_bucket.keys() == [f"attachments/{attachment.stored_name}"]
    page = client.get(f"/files/{attachment.pk}/")
    assert b"".join(page.streaming_content) == PNG


@pytest.mark.parametrize(
    "name, content, status, code",
    [
        ("report.pdf", ELF, 422, "file_type_not_allowed"),
        ("page.txt", b"<html><script>alert(1)</script>", 422, "file_type_not_allowed"),
        ("empty.txt", b"", 422, "file_empty"),
        ("../../etc/passwd", b"text", 422, "file_name_unsafe"),
        ("big.pdf", PDF + b"0" * 2 * 1024 * 1024, 413, "file_too_large"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    api_as, memo, s3_bucket, settings, name, content, status, code
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
    client = api_as("owner")
    response = client.client.post(
        "/api/v1/files",
        {
            "target": "testapp.memo",
            "target_id": memo.pk,
            "file": SimpleUploadedFile("upload", content),
            "name": name,
        },
        headers=client.headers,
    )

    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    assert not Attachment.objects.exists()
    assert s3_bucket.keys() == []


def test_store_down_refuses_an_api_upload_clearly_and_records_nothing(api_as, memo, store_down):
    response = upload(api_as("owner"), memo, "logo.png", PNG)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["code"] == "file_store_unavailable"
    assert problem["errors"][0]["message"].startswith(UNAVAILABLE)
    assert not Attachment.objects.exists()
    assert store_down.keys() == []  # read through the server that is still up


def test_store_down_refuses_a_ui_upload_with_the_message(browser_as, owner, store_down):
    partner = partner_create(name="Ромашка", roles=["client"], manager=owner, by=owner)
    claim = claim_create(partner=partner, essence="Broken boxes", by=owner)

    client = browser_as("owner")
    response = client.post(
        f"/claims/{claim.pk}/files/", {"file": SimpleUploadedFile("photo.png", PNG)}
    )

    # POST-redirect-GET: the refusal is shown on the claim's page after the redirect
    assert response.status_code == 302
    assert response.url == f"/claims/{claim.pk}/"
    assert UNAVAILABLE in client.get(response.url).content.decode()
    assert not Attachment.objects.exists()
    assert store_down.keys() == []


def test_store_down_in_the_service_raises_the_domain_error(owner, memo, store_down):
    with pytest.raises(FileStoreUnavailable) as error:
        attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)

    assert error.value.codes == ["file_store_unavailable"]
    assert error.value.status == 503
    assert not Attachment.objects.exists()


def test_store_down_download_answers_503_not_500(
    api_as, browser_as, owner, memo, s3_bucket, settings, files_root
):
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    server.stop()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(s3_bucket.url(f"http://{host}:{port}"), home=files_root),
    }

    api = api_as("owner").get(f"/api/v1/files/{attachment.pk}/content")
    page = browser_as("owner").get(f"/files/{attachment.pk}/")

    assert api.status_code == 503
    assert api.json()["errors"][0]["code"] == "file_store_unavailable"
    assert page.status_code == 503
    assert "The file store is unavailable" in page.content.decode()


def test_a_database_failure_after_the_upload_removes_the_object(owner, memo, s3_bucket):
    with pytest.raises(IntegrityError), transaction.atomic():
        attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)
        assert s3_bucket.keys() == [f"attachments/{attachment.stored_name}"]
        # The database refuses the next write (a second row naming the same object), so the
        # whole transaction rolls back after the file was stored.
        Attachment.objects.create(
            content_type=attachment.content_type,
            object_id=memo.pk,
            name="copy.pdf",
            mime_type="application/pdf",
            size=1,
            sha256="0" * 64,
            stored_name=attachment.stored_name,
        )

    assert not Attachment.objects.exists()
    assert s3_bucket.keys() == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_keeps_its_object_and_a_delete_removes_it(s3_bucket):
    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create

    owner = user_create(username="keeper", role=Role.ADMIN, password="correct horse battery")
    memo = Memo.objects.create(owner=owner, title="Committed")
    kept = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)
    gone = attachment_add(target=memo, upload=SimpleUploadedFile("b.png", PNG), by=owner)

    assert s3_bucket.keys() == sorted(
        f"attachments/{a.stored_name}" for a in (kept, gone)
    )  # committed: nothing removed them
    attachment_delete(attachment=gone, by=owner)
    assert s3_bucket.keys() == [f"attachments/{kept.stored_name}"]
    memo.delete()  # deleting the record deletes its attachments and their objects
    assert not Attachment.objects.exists()
    assert s3_bucket.keys() == []


def test_deleting_a_record_deletes_its_objects_on_commit(
    owner, memo, s3_bucket, django_capture_on_commit_callbacks
):
    attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)

    with django_capture_on_commit_callbacks(execute=True):
        memo.delete()

    assert not Attachment.objects.exists()
    assert s3_bucket.keys() == []


def test_signed_url_downloads_redirect_after_the_access_check(
    api_as, browser_as, owner, memo, s3_bucket, settings
):
    settings.FILE_DOWNLOADS = "signed-url"
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("акт.pdf", PDF), by=owner)

    response = browser_as("owner").get(f"/files/{attachment.pk}/")

    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}" == s3_bucket.endpoint
    assert location.path == f"/{s3_bucket.name}/attachments/{attachment.stored_name}"
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    fetched = httpx.get(response["Location"])
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert "attachment;" in fetched.headers["Content-Disposition"]
    tampered = httpx.get(response["Location"].replace(attachment.stored_name[-4:], "0000"))
    assert tampered.status_code in (403, 404)
    assert browser_as("outsider").get(f"/files/{attachment.pk}/").status_code == 404
    assert api_as("outsider").get(f"/api/v1/files/{attachment.pk}/content").status_code == 404


def test_an_object_missing_from_the_bucket_answers_404_not_500(api_as, owner, memo, s3_bucket):
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)
    s3_bucket.client.delete_object(
        Bucket=s3_bucket.name, Key=f"attachments/{attachment.stored_name}"
    )

    assert api_as("owner").get(f"/api/v1/files/{attachment.pk}/content").status_code == 404
