"""Issue 14, point 7 in a real browser: an administrator creates a user on Ladoga's own
pages and the user signs in; a user changes their password and their time zone; a
deactivated user cannot sign in; a forgotten password is reset through the link of a letter
that a real SMTP server on loopback received — without a CSP violation or a console error."""

import re

import pytest
from playwright.sync_api import expect

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from tests.interactions import conftest as interactions_fixtures

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

smtp_server = interactions_fixtures.smtp_server
NEW_PASSWORD = "a quiet lake in the north"


@pytest.fixture
def olga(transactional_db):
    """An administrator who reads the interface in English."""
    return user_create(
        username="olga", role=Role.ADMIN, password=PASSWORD, first_name="Olga", language="en"
    )


def _only_refusals(problems: list[str]) -> bool:
    """A refused form answers 400, which the browser notes in the console; nothing else."""
    return all("status of 400" in problem for problem in problems)


def test_an_administrator_creates_a_user_who_then_signs_in(open_session, olga, anna):
    admin = open_session()
    admin.sign_in("olga")
    page = admin.page

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-users").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Users")
    expect(page.get_by_test_id("user-table")).to_contain_text("Anna Smirnova")
    page.get_by_test_id("user-new").click()

    page.fill("#id_username", "pavel")
    page.fill("#id_first_name", "Pavel")
    page.fill("#id_last_name", "Orlov")
    page.select_option("#id_role", "manager")
    page.select_option("#id_department", label="Sales")
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password_again", "not the same")
    page.get_by_test_id("user-save").click()
    expect(page.locator(".field-error")).to_contain_text("The two passwords differ.")
    assert not User.objects.filter(username="pavel").exists()
    assert _only_refusals(admin.problems())
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password_again", NEW_PASSWORD)
    page.get_by_test_id("user-save").click()

    expect(page.get_by_test_id("page-title")).to_have_text("Pavel Orlov")
    expect(page.locator(".messages")).to_contain_text("User Pavel Orlov created.")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-users").click()
    page.fill("#id_q", "orlov")
    page.get_by_test_id("user-find").click()
    expect(page.get_by_test_id("user-row")).to_have_count(1)
    expect(page.get_by_test_id("user-table")).to_contain_text("Sales manager")
    assert admin.problems() == []

    pavel = open_session()
    pavel.sign_in("pavel", NEW_PASSWORD)
    expect(pavel.page.get_by_test_id("user-menu")).to_contain_text("Pavel Orlov")
    # A manager's menu has no settings of users.
    pavel.page.get_by_test_id("user-menu").click()
    expect(pavel.page.get_by_test_id("menu-users")).to_have_count(0)
    assert pavel.problems() == []


def test_a_deactivated_user_can_no_longer_sign_in(open_session, olga, anna):
    admin = open_session()
    admin.sign_in("olga")
    page = admin.page
    admin.goto(f"/settings/users/{anna.pk}/")

    page.get_by_test_id("user-active-toggle").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Deactivate the user")
    page.get_by_test_id("user-active-confirm").click()

    expect(page.get_by_test_id("user-deactivated")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("can no longer sign in")
    assert admin.problems() == []

    visitor = open_session()
    visitor.sign_in("anna")
    expect(visitor.page.locator(".alert-error")).to_contain_text(
        "The user name or password is wrong."
    )
    expect(visitor.page).to_have_url(re.compile(r"/login/$"))
    assert _only_refusals(visitor.problems())


def test_a_user_changes_their_password_and_time_zone(open_session, anna):
    session = open_session()
    session.sign_in()
    page = session.page
    session.goto("/profile/")

    page.select_option("#id_time_zone", "Asia/Vladivostok")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator(".messages")).to_contain_text("Your profile is saved.")
    expect(page.locator("#id_time_zone")).to_have_value("Asia/Vladivostok")

    page.get_by_test_id("password-change").click()
    page.fill("#id_old_password", "not my password")
    page.fill("#id_new_password", NEW_PASSWORD)
    page.fill("#id_new_password_again", NEW_PASSWORD)
    page.get_by_test_id("password-save").click()
    expect(page.locator(".field-error")).to_contain_text("The current password is wrong.")
    assert _only_refusals(session.problems())
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password", NEW_PASSWORD)
    page.fill("#id_new_password_again", NEW_PASSWORD)
    page.get_by_test_id("password-save").click()
    expect(page.locator(".messages")).to_contain_text("Your password is changed.")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    session.sign_in("anna", NEW_PASSWORD)
    expect(page.get_by_test_id("page-title")).to_have_text("Dashboard")
    anna.refresh_from_db()
    assert anna.time_zone == "Asia/Vladivostok"
    assert session.problems() == []


def test_a_forgotten_password_is_reset_by_e_mail(open_session, anna, smtp_server):
    User.objects.filter(pk=anna.pk).update(email="anna@example.com")
    session = open_session()
    page = session.page
    session.goto("/login/")

    page.get_by_test_id("forgot-password").click()
    page.fill("#id_email", "anna@example.com")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()

    [letter] = smtp_server.messages
    body = letter.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/password-reset/\S+/", body).group(0)
    page.goto(link)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_test_id("reset-confirm-submit").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()

    session.sign_in("anna", NEW_PASSWORD)
    expect(page.get_by_test_id("page-title")).to_have_text("Dashboard")
    assert session.problems() == []
