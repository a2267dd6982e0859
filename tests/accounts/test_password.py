"""Issue 14, point 7: a user changes their own password and picks their time zone from a
list; one who forgot the password gets a reset link by e-mail (a real SMTP server on
loopback receives it), and the page never tells whether an address has an account."""

import re

import pytest
from django.test import Client

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_active_set, user_create, user_password_change
from ladoga.core.errors import ValidationFailed

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quiet lake in the north"


# --- Own password --------------------------------------------------------------------------


def _change(old: str, new: str, again: str) -> dict:
    return {"old_password": old, "new_password": new, "new_password_again": again}


def test_the_profile_links_to_the_password_page(browser_as, actors):
    page = browser_as("owner").get("/profile/").content.decode()

    assert 'href="/profile/password/"' in page


def test_a_user_changes_their_password_and_stays_signed_in(browser_as, actors):
    client = browser_as("owner")

    response = client.post("/profile/password/", _change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD))

    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    assert client.get("/profile/").status_code == 200  # this session goes on
    owner = User.objects.get(username="owner")
    assert owner.check_password(NEW_PASSWORD)
    old = Client().post("/login/", {"username": "owner", "password": PASSWORD})
    assert old.status_code == 400


def test_the_password_change_ends_the_other_sessions(browser_as, actors):
    elsewhere = browser_as("owner")
    elsewhere.get("/profile/")
    here = Client()
    here.post("/login/", {"username": "owner", "password": PASSWORD})

    here.post(
        "/profile/password/",
        _change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
    )

    assert here.get("/profile/").status_code == 200
    assert elsewhere.get("/profile/").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_change("wrong", NEW_PASSWORD, NEW_PASSWORD), "The current password is wrong."),
        (_change(PASSWORD, "12345678", "12345678"), "This password is too common."),
        (
            _change(PASSWORD, "owner", "owner"),
            "This password is too short. It must contain at least 8 characters.",
        ),
        (_change(PASSWORD, NEW_PASSWORD, "something else"), "The two passwords differ."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(browser_as, actors, data, message):
    before = User.objects.get(username="owner").password

    response = browser_as("owner").post("/profile/password/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.get(username="owner").password == before


def test_the_service_checks_the_old_password(actors):
    with pytest.raises(ValidationFailed) as error:
        user_password_change(user=actors["owner"], old_password="", new_password=NEW_PASSWORD)

    assert error.value.codes == ["password_wrong"]
    assert error.value.violations[0].field == "old_password"


def test_the_password_page_needs_a_signed_in_user(db):
    response = Client().get("/profile/password/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- Time zone -----------------------------------------------------------------------------


def test_the_time_zone_is_picked_from_a_list(browser_as, actors):
    page = browser_as("owner").get("/profile/").content.decode()

    assert '<select name="time_zone"' in page
    assert '<option value="Asia/Vladivostok">Asia/Vladivostok</option>' in page
    assert '<option value="Europe/Moscow" selected>Europe/Moscow</option>' in page


def _profile(owner, **changes) -> dict:
    return {
        "version": owner.version,
        "first_name": owner.first_name,
        "last_name": "",
        "email": "",
        "language": "en",
        "time_zone": "Europe/Moscow",
        **changes,
    }


def test_a_chosen_time_zone_is_saved(browser_as, actors):
    owner = actors["owner"]
    client = browser_as("owner")  # signing in writes last_login (a new version)

    response = client.post("/profile/", _profile(owner, time_zone="Asia/Yekaterinburg"))

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.time_zone == "Asia/Yekaterinburg"


def test_an_unknown_time_zone_is_a_clear_error_and_nothing_is_saved(browser_as, actors):
    owner = actors["owner"]
    client = browser_as("owner")
    version = owner.version

    response = client.post(
        "/profile/", _profile(owner, time_zone="Mars/Olympus", first_name="Changed")
    )

    assert "Unknown time zone Mars/Olympus: choose one from the list." in response.content.decode()
    owner.refresh_from_db()
    assert (owner.time_zone, owner.first_name, owner.version) == ("Europe/Moscow", "Owner", version)


# --- Password reset by e-mail --------------------------------------------------------------


def test_the_login_page_links_to_the_password_reset(db):
    page = Client(headers={"Accept-Language": "en"}).get("/login/").content.decode()

    assert '<a href="/password-reset/" data-testid="forgot-password">Forgot your password?</a>' in (
        page
    )


def _reset_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/password-reset/\S+/)", body).group(1)


def test_a_reset_letter_arrives_and_its_link_sets_a_new_password(smtp_server, actors):
    owner = actors["owner"]
    User.objects.filter(pk=owner.pk).update(email="owner@example.com")
    client = Client(headers={"Accept-Language": "en"})

    response = client.post("/password-reset/", {"email": "OWNER@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    [letter] = smtp_server.messages
    assert letter["To"] == "owner@example.com"
    assert letter["Subject"] == "A new password for Ladoga"
    assert "Your user name: owner" in letter.get_body(("plain",)).get_content()
    link = _reset_link(letter)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert 'data-testid="reset-confirm-form"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done["Location"] == "/password-reset/done/"
    signed_in = Client().post("/login/", {"username": "owner", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    again = client.get(link, follow=True).content.decode()
    assert 'data-testid="reset-link-invalid"' in again  # a link works once


def test_a_weak_new_password_is_refused_on_the_reset_page(smtp_server, actors):
    User.objects.filter(username="owner").update(email="owner@example.com")
    client = Client(headers={"Accept-Language": "en"})
    client.post("/password-reset/", {"email": "owner@example.com"})
    form = client.get(_reset_link(smtp_server.messages[0]), follow=True)
    before = User.objects.get(username="owner").password

    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert User.objects.get(username="owner").password == before


def test_the_reset_page_does_not_tell_whether_an_address_has_an_account(smtp_server, actors):
    User.objects.filter(username="owner").update(email="owner@example.com")
    inactive = user_create(
        username="gone", role=Role.MANAGER, password=PASSWORD, email="gone@example.com"
    )
    user_active_set(user=inactive, active=False)
    client = Client(headers={"Accept-Language": "en"})

    known = client.post("/password-reset/", {"email": "owner@example.com"})
    unknown = client.post("/password-reset/", {"email": "nobody@example.com"})
    deactivated = client.post("/password-reset/", {"email": "gone@example.com"})
    sent_page = client.get("/password-reset/sent/").content.decode()

    assert known.status_code == unknown.status_code == deactivated.status_code == 302
    assert known["Location"] == unknown["Location"] == deactivated["Location"]
    assert [m["To"] for m in smtp_server.messages] == ["owner@example.com"]
    assert "If an active account has this e-mail address" in sent_page


def test_a_broken_link_says_so(db):
    page = Client(headers={"Accept-Language": "en"}).get("/password-reset/MQ/bad-token/")

    assert page.status_code == 200
    assert "This link does not work any more" in page.content.decode()


def test_the_reset_letter_is_in_russian_for_a_russian_reader(smtp_server, actors):
    User.objects.filter(username="owner").update(email="owner@example.com")

    Client(headers={"Accept-Language": "ru"}).post(
        "/password-reset/", {"email": "owner@example.com"}
    )

    [letter] = smtp_server.messages
    # (the parser keeps a blank before an encoded word of a folded header)
    assert letter["Subject"].strip() == "Новый пароль для Ладоги"
    assert "Здравствуйте, Owner!" in letter.get_body(("plain",)).get_content()
