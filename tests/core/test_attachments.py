"""Attachments (X6): real type from the content, safe names, size limit, access-checked."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ladoga.core.errors import FileRejected, FileTooLarge
from ladoga.core.models import Attachment
from ladoga.core.services import attachment_add
from tests.testapp.models import Memo

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


@pytest.fixture
def memo(owner):
    return Memo.objects.create(owner=owner, title="With files")


def upload(client, memo, name, content):
    return client.client.post(
        "/api/v1/files",
        {"target": "testapp.memo", "target_id": memo.pk, "file": SimpleUploadedFile(name, content)},
        headers=client.headers,
    )


def stored_files(files_root):
    return [p for p in files_root.rglob("*") if p.is_file()] if files_root.exists() else []


def test_upload_and_download_png(api_as, memo, files_root):
    client = api_as("owner")

    response = upload(client, memo, "logo.png", PNG)

    assert response.status_code == 201
    body = response.json()
    assert body["mime_type"] == "image/png"
    assert body["name"] == "logo.png"
    stored = stored_files(files_root)
    assert len(stored) == 1 and "logo" not in stored[0].name
    content = client.get(body["url"])
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == PNG
    assert content["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in content["Content-Disposition"]


def test_type_is_read_from_content_not_name(api_as, memo, files_root):
    response = upload(api_as("owner"), memo, "report.pdf", ELF)

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "file_type_not_allowed"
    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_pdf_named_txt_is_still_a_pdf(owner, memo):
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("notes.txt", PDF), by=owner)
    assert attachment.mime_type == "application/pdf"


@pytest.mark.parametrize("content", [b"<html><script>alert(1)</script>", b"  <svg onload=x>"])
def test_markup_is_refused(owner, memo, content):
    with pytest.raises(FileRejected) as error:
        attachment_add(target=memo, upload=SimpleUploadedFile("x.txt", content), by=owner)
    assert error.value.codes == ["file_type_not_allowed"]


def test_plain_text_and_csv_are_accepted(owner, memo):
    csv = attachment_add(
        target=memo, upload=SimpleUploadedFile("list.csv", "имя;телефон\n".encode()), by=owner
    )
    assert csv.mime_type == "text/csv"


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "a/../../b.png", "bad\x00.png", "..\\..\\x.png"]
)
def test_dangerous_names_are_refused(owner, memo, files_root, name):
    upload_file = SimpleUploadedFile("placeholder", PNG)
    upload_file._name = name  # as a client could send it, bypassing Django's own cleaning

    with pytest.raises(FileRejected) as error:
        attachment_add(target=memo, upload=upload_file, by=owner)

    assert error.value.codes == ["file_name_unsafe"]
    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_api_refuses_a_path_in_the_given_name(api_as, memo, files_root):
    client = api_as("owner")

    response = client.client.post(
        "/api/v1/files",
        {
            "target": "testapp.memo",
            "target_id": memo.pk,
            "name": "../../etc/cron.d/x.png",
            "file": SimpleUploadedFile("x.png", PNG),
        },
        headers=client.headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "file_name_unsafe"
    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_oversized_upload_is_413_and_writes_nothing(api_as, memo, settings, files_root):
    settings.UPLOAD_MAX_BYTES = 50

    response = upload(api_as("owner"), memo, "big.pdf", PDF + b"x" * 100)

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "file_too_large"
    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_size_limit_raises_file_too_large(owner, memo, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(FileTooLarge):
        attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)


def test_empty_file_is_refused(owner, memo):
    with pytest.raises(FileRejected) as error:
        attachment_add(target=memo, upload=SimpleUploadedFile("a.txt", b""), by=owner)
    assert error.value.codes == ["file_empty"]


@pytest.mark.parametrize(
    "actor, status",
    [
        ("owner", 200),
        ("head", 200),
        ("admin", 200),
        ("colleague", 404),
        ("outsider", 404),
        ("portal", 404),
    ],
)
def test_download_permissions(api_as, browser_as, owner, memo, actor, status):
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)

    api_status = 403 if actor == "portal" else status  # the staff API is not for portal users
    assert api_as(actor).get(f"/api/v1/files/{attachment.pk}/content").status_code == api_status
    page = browser_as(actor).get(f"/files/{attachment.pk}/")
    if actor == "portal":  # portal clients never reach staff pages: sent to the portal
        assert (page.status_code, page["Location"]) == (302, "/portal/")
    else:
        assert page.status_code == status


def test_anonymous_download_goes_to_login(owner, memo):
    attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)

    assert Client().get(f"/files/{attachment.pk}/").status_code == 302


def test_cannot_attach_to_invisible_record(api_as, memo, files_root):
    response = upload(api_as("outsider"), memo, "logo.png", PNG)

    assert response.status_code == 404
    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_cannot_attach_to_unregistered_model(api_as, owner):
    response = api_as("admin").client.post(
        "/api/v1/files",
        {
            "target": "accounts.user",
            "target_id": owner.pk,
            "file": SimpleUploadedFile("a.png", PNG),
        },
        headers=api_as("admin").headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "file_target_unknown"


def test_list_and_delete(api_as, owner, memo, files_root, django_capture_on_commit_callbacks):
    attachment_add(
        target=memo, upload=SimpleUploadedFile("a.pdf", io.BytesIO(PDF).read()), by=owner
    )
    client = api_as("owner")

    listed = client.get("/api/v1/files", {"target": "testapp.memo", "target_id": memo.pk}).json()
    assert listed["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/files/{listed['items'][0]['id']}")
    assert response.status_code == 204
    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_a_rollback_after_the_upload_removes_the_local_file(owner, memo, files_root):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)
        assert len(stored_files(files_root)) == 1
        Attachment.objects.create(
            content_type=attachment.content_type,
            object_id=memo.pk,
            name="copy.pdf",
            mime_type="application/pdf",
            size=1,
            sha256="0" * 64,
            stored_name=attachment.stored_name,  # the database refuses a second row
        )

    assert not Attachment.objects.exists()
    assert stored_files(files_root) == []


def test_an_unwritable_files_folder_refuses_the_upload_with_503(api_as, memo, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the files folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "files")},
        },
    }

    response = upload(api_as("owner"), memo, "logo.png", PNG)

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "file_store_unavailable"
    assert not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_file_stays_when_another_commit_callback_fails(files_root):
    """Django drops the remaining on-commit callbacks when one raises; the committed
    attachment's file must not be taken for a rolled-back one."""
    import gc

    from django.db import transaction

    from ladoga.accounts.roles import Role
    from ladoga.accounts.services import user_create

    owner = user_create(username="keeper", role=Role.ADMIN, password="correct horse battery")
    memo = Memo.objects.create(owner=owner, title="Committed")

    def broken_listener():
        raise RuntimeError("a listener failed")

    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(broken_listener)
        attachment = attachment_add(target=memo, upload=SimpleUploadedFile("a.pdf", PDF), by=owner)
    gc.collect()  # whatever still held the dropped callbacks has let go of them

    assert Attachment.objects.get().pk == attachment.pk
    assert [p.name for p in stored_files(files_root)] == [attachment.stored_name.split("/")[-1]]
