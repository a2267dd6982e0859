"""Mail accounts (I7) in the API and on the page: who sees and changes which account (the
permission matrix), the password never returned, refusals with nothing saved, fetch now,
test connection and delete with confirmation — against a real Dovecot."""

import pytest

from ladoga.interactions.models import Interaction, MailAccount, MailAccountStatus
from ladoga.interactions.services import mail_account_connect
from tests.dovecot import PASSWORD, USER, DovecotServer

from .imap_helpers import mail

URL = "/api/v1/mail-accounts"


@pytest.fixture
def dovecot():
    with DovecotServer() as server:
        yield server


@pytest.fixture
def mailboxes(dovecot, actors, departments):
    owner = actors["owner"]
    common = {
        "by": owner,
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "none",
        "username": USER,
        "password": PASSWORD,
        "import_existing": True,
    }
    return {
        "personal": mail_account_connect(name="Mine", **common),
        "shared": mail_account_connect(
            name="Sales team", department=departments["sales"], **common
        ),
    }


def payload(dovecot, **overrides):
    return {
        "name": "Inbox",
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "none",
        "username": USER,
        "password": PASSWORD,
    } | overrides


# API -------------------------------------------------------------------------------------

READ = {
    "personal": {
        "owner": 200,
        "colleague": 404,
        "outsider": 404,
        "head": 200,
        "admin": 200,
        "claims": 404,
        "portal": 403,
    },
    "shared": {
        "owner": 200,
        "colleague": 200,
        "outsider": 404,
        "head": 200,
        "admin": 200,
        "claims": 404,
        "portal": 403,
    },
}
CHANGE = {
    "personal": {
        "owner": 200,
        "colleague": 404,
        "outsider": 404,
        "head": 403,
        "admin": 200,
        "claims": 404,
        "portal": 403,
    },
    "shared": {
        "owner": 200,
        "colleague": 403,
        "outsider": 404,
        "head": 403,
        "admin": 200,
        "claims": 404,
        "portal": 403,
    },
}


@pytest.mark.parametrize("which", ["personal", "shared"])
def test_permission_matrix_read_change_delete(api_as, mailboxes, which):
    account = mailboxes[which]
    for actor, status in READ[which].items():
        response = api_as(actor).get(f"{URL}/{account.pk}")
        assert response.status_code == status, (actor, "GET", response.content)
        if status == 200:
            assert "password" not in response.json()
            assert "password_encrypted" not in response.json()
    for actor, status in CHANGE[which].items():
        response = api_as(actor).patch(
            f"{URL}/{account.pk}", {"name": f"by {actor}"}, headers={"If-Match": "*"}
        )
        assert response.status_code == status, (actor, "PATCH", response.content)
    for actor, status in CHANGE[which].items():
        if actor in ("owner", "admin"):
            continue
        response = api_as(actor).delete(f"{URL}/{account.pk}")
        assert response.status_code == (204 if status == 200 else status), (actor, "DELETE")
    assert MailAccount.objects.filter(pk=account.pk).exists()
    assert api_as("owner").delete(f"{URL}/{account.pk}").status_code == 204
    assert not MailAccount.objects.filter(pk=account.pk).exists()


def test_lists_show_own_and_shared_accounts(api_as, mailboxes):
    names = {
        actor: sorted(item["name"] for item in api_as(actor).get(URL).json()["items"])
        for actor in ("owner", "colleague", "outsider", "admin")
    }
    assert names == {
        "owner": ["Mine", "Sales team"],
        "colleague": ["Sales team"],
        "outsider": [],
        "admin": ["Mine", "Sales team"],
    }
    assert api_as("portal").get(URL).status_code == 403
    assert api_as(None).get(URL).status_code == 401


def test_connect_over_the_api_never_returns_the_password(api_as, dovecot, owner):
    response = api_as("owner").post(URL, payload(dovecot))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_id"] == owner.pk and body["status"] == "ok"
    assert PASSWORD not in response.content.decode()
    assert "password" not in body
    account = MailAccount.objects.get(pk=body["id"])
    assert PASSWORD not in account.password_encrypted


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"password": "wrong"}, "mail_account_auth_failed"),
        ({"security": "ssl", "port": None}, "mail_account_certificate_untrusted"),
        ({"inbox_folder": "Nowhere"}, "mail_account_folder_missing"),
        ({"port": 0}, "mail_account_port_invalid"),
    ],
)
def test_refused_connections_over_the_api_save_nothing(api_as, dovecot, overrides, code):
    if overrides.get("port", 1) is None:
        overrides["port"] = dovecot.ssl_port
    response = api_as("owner").post(URL, payload(dovecot, **overrides))

    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["code"] == code
    assert MailAccount.objects.count() == 0


def test_fetch_now_and_test_over_the_api(api_as, mailboxes, dovecot):
    dovecot.append([mail(1), mail(2)])
    shared = mailboxes["shared"]

    response = api_as("colleague").post(f"{URL}/{shared.pk}/fetch")

    assert response.status_code == 200, response.content
    assert response.json() | {"reconnects": 0} == {
        "imported": 2,
        "known": 0,
        "refused": 0,
        "reconnects": 0,
        "busy": False,
        "status": "ok",
        "error": "",
    }
    assert Interaction.objects.filter(kind="email").count() == 2
    assert api_as("outsider").post(f"{URL}/{shared.pk}/fetch").status_code == 404
    assert api_as("colleague").post(f"{URL}/{shared.pk}/test").status_code == 403
    dovecot.stop()
    tested = api_as("owner").post(f"{URL}/{shared.pk}/test")
    assert tested.status_code == 200 and tested.json()["status"] == "connection"


def test_a_wrong_new_password_over_the_api_changes_nothing(api_as, mailboxes):
    account = mailboxes["personal"]
    response = api_as("owner").patch(
        f"{URL}/{account.pk}", {"password": "wrong"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "mail_account_auth_failed"
    fresh = MailAccount.objects.get(pk=account.pk)
    assert fresh.version == 1 and fresh.password_encrypted == account.password_encrypted


# The page --------------------------------------------------------------------------------


def test_the_page_lists_accounts_with_status_and_is_in_the_menu(browser_as, mailboxes):
    MailAccount.objects.filter(pk=mailboxes["personal"].pk).update(
        status=MailAccountStatus.AUTH, last_error="The mail server refused the password"
    )
    page = browser_as("owner").get("/interactions/mail-accounts/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="menu-mail-accounts"' in html
    assert "Mine" in html and "Sales team" in html
    assert "The mail server refused the password" in html
    assert html.count('data-testid="mail-account-test"') == 2
    colleague = browser_as("colleague").get("/interactions/mail-accounts/").content.decode()
    assert "Sales team" in colleague and "Mine" not in colleague
    assert 'data-testid="mail-account-test"' not in colleague
    portal = browser_as("portal").get("/interactions/mail-accounts/")
    assert portal.status_code == 302 and portal.url == "/portal/"  # staff pages: not theirs


def test_connecting_on_the_page_with_a_wrong_password_shows_why(browser_as, dovecot, owner):
    page = browser_as("owner").post(
        "/interactions/mail-accounts/new/",
        payload(
            dovecot, password="wrong", inbox_folder="INBOX", sent_folder="Sent", is_active="on"
        ),
    )
    assert page.status_code == 422
    assert "refused the user name or password" in page.content.decode()
    assert MailAccount.objects.count() == 0

    page = browser_as("owner").post(
        "/interactions/mail-accounts/new/",
        payload(dovecot, inbox_folder="INBOX", sent_folder="Sent", is_active="on"),
    )
    assert page.status_code == 302
    assert MailAccount.objects.get().owner == owner


def test_fetch_now_test_and_delete_on_the_page(browser_as, mailboxes, dovecot):
    dovecot.append([mail(1)])
    browser = browser_as("owner")
    personal = mailboxes["personal"]

    fetched = browser.post(f"/interactions/mail-accounts/{personal.pk}/fetch/", follow=True)
    assert "Fetching the mail of «Mine»" in fetched.content.decode()
    assert Interaction.objects.filter(kind="email").count() == 1
    tested = browser.post(f"/interactions/mail-accounts/{personal.pk}/test/", follow=True)
    assert "The connection works." in tested.content.decode()

    confirm = browser.get(f"/interactions/mail-accounts/{personal.pk}/delete/")
    assert confirm.status_code == 200 and "Disconnect the mail account «Mine»" in (
        confirm.content.decode()
    )
    assert MailAccount.objects.filter(pk=personal.pk).exists()
    browser.post(f"/interactions/mail-accounts/{personal.pk}/delete/")
    assert not MailAccount.objects.filter(pk=personal.pk).exists()
    assert Interaction.objects.filter(kind="email").count() == 1  # imported mail stays

    colleague = browser_as("colleague")
    shared = mailboxes["shared"]
    assert colleague.get(f"/interactions/mail-accounts/{shared.pk}/").status_code == 403
    assert colleague.post(f"/interactions/mail-accounts/{shared.pk}/delete/").status_code == 403
    assert browser_as("outsider").get(f"/interactions/mail-accounts/{shared.pk}/").status_code == (
        404
    )


def test_editing_on_the_page_keeps_the_password_when_left_empty(browser_as, mailboxes):
    account = mailboxes["personal"]
    page = browser_as("owner").post(
        f"/interactions/mail-accounts/{account.pk}/",
        {
            "name": "Renamed",
            "host": account.host,
            "port": account.port,
            "security": account.security,
            "username": account.username,
            "password": "",
            "inbox_folder": "INBOX",
            "sent_folder": "Sent",
            "is_active": "on",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    fresh = MailAccount.objects.get(pk=account.pk)
    assert fresh.name == "Renamed" and fresh.password_encrypted == account.password_encrypted
