"""The web shell in a real browser: signing in and out, both languages, the strict CSP, the
menu on a phone. The pictures of docs/screenshots/ come from scripts/screenshots.py."""

import pytest
from playwright.sync_api import expect

from ladoga.accounts.services import user_language_set

from .conftest import PHONE

pytestmark = pytest.mark.e2e


def test_sign_in_shows_the_dashboard(session, anna):
    session.sign_in()

    expect(session.page).to_have_url(session.url("/"))
    expect(session.page.get_by_test_id("page-title")).to_have_text("Dashboard")
    expect(session.page.get_by_test_id("user-menu")).to_contain_text("Anna Smirnova")
    expect(session.page.locator(".nav-link.active")).to_have_attribute("data-section", "dashboard")


def test_language_switch_changes_the_page_and_is_remembered_on_the_user(open_session, anna):
    session = open_session(locale="en-US")
    session.sign_in()
    page = session.page
    expect(page.get_by_test_id("page-title")).to_have_text("Dashboard")

    page.get_by_test_id("lang-ru").click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_test_id("page-title")).to_have_text("Главная")
    expect(page.locator("#sidebar")).to_contain_text("Партнёры")
    expect(page.get_by_test_id("lang-ru")).to_have_attribute("aria-pressed", "true")
    anna.refresh_from_db()
    assert anna.language == "ru"

    # Another browser that asks for English still gets the user's choice after signing in.
    elsewhere = open_session(locale="en-US")
    elsewhere.sign_in()
    expect(elsewhere.page.get_by_test_id("page-title")).to_have_text("Главная")

    elsewhere.page.get_by_test_id("lang-en").click()

    expect(elsewhere.page.locator("html")).to_have_attribute("lang", "en")
    expect(elsewhere.page.get_by_test_id("page-title")).to_have_text("Dashboard")
    anna.refresh_from_db()
    assert anna.language == "en"


def test_language_switch_on_the_login_page(session):
    session.goto("/login/")
    expect(session.page.get_by_test_id("login-submit")).to_have_text("Sign in")

    session.page.get_by_test_id("lang-ru").click()

    expect(session.page.get_by_test_id("login-submit")).to_have_text("Войти")
    expect(session.page).to_have_url(session.url("/login/"))


def test_sign_out(session, anna):
    session.sign_in()
    page = session.page

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()

    expect(page).to_have_url(session.url("/login/"))
    session.goto("/")
    expect(page).to_have_url(session.url("/login/?next=/"))


@pytest.mark.parametrize(
    "locale, message",
    [
        ("en-US", "The user name or password is wrong."),
        ("ru-RU", "Неверное имя пользователя или пароль."),
    ],
    ids=["en", "ru"],
)
def test_wrong_password_shows_the_error(open_session, anna, locale, message):
    session = open_session(locale=locale)

    session.sign_in(password="not the password")

    expect(session.page.locator(".alert-error")).to_have_text(message)
    expect(session.page).to_have_url(session.url("/login/"))
    expect(session.page.locator("#id_username")).to_have_value("anna")
    session.goto("/")
    expect(session.page).to_have_url(session.url("/login/?next=/"))


def test_pages_raise_no_csp_violations_or_console_errors(session, anna):
    visited = {}
    session.goto("/login/")
    expect(session.page.get_by_test_id("login-submit")).to_be_visible()
    visited["/login/"] = session.problems()

    session.sign_in()
    for path in ("/", "/profile/", "/soon/deals/"):
        session.goto(path)
        visited[path] = session.problems()
    # htmx is loaded from our own static files and initialised without eval (CSP).
    assert session.page.evaluate("typeof window.htmx") == "object"

    assert visited == {path: [] for path in visited}


def test_every_section_keeps_to_the_csp(session, anna):
    """Each page of the main menu loads without CSP violations or console errors."""
    session.sign_in()
    links = session.page.locator("#sidebar a.nav-link")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    problems = {}

    for target in targets:
        response = session.goto(target)
        problems[target] = [f"HTTP {response.status}"] if response.status >= 400 else []
        problems[target] += session.problems()

    assert len(targets) == 10
    assert problems == {target: [] for target in targets}


def test_narrow_screen_menu_opens_and_closes(open_session, anna):
    session = open_session(viewport=PHONE, is_mobile=True, has_touch=True)
    session.sign_in()
    page = session.page
    toggle, sidebar = page.get_by_test_id("nav-toggle"), page.locator("#sidebar")
    expect(sidebar).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()

    expect(sidebar).to_be_visible()
    expect(page.locator("body")).to_have_class("app nav-open")
    expect(toggle).to_have_attribute("aria-expanded", "true")

    page.keyboard.press("Escape")

    expect(sidebar).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    link = page.locator("#sidebar [data-section=deals]")
    target = link.get_attribute("href")
    link.click()

    expect(page).to_have_url(session.url(target))
    expect(sidebar).to_be_hidden()
    assert session.problems() == []


def test_wide_screen_shows_the_menu_without_a_toggle(session, anna):
    session.sign_in()

    expect(session.page.locator("#sidebar")).to_be_visible()
    expect(session.page.get_by_test_id("nav-toggle")).to_be_hidden()


def test_screenshots(open_session, anna, tmp_path):
    """Screenshots of the login page and the dashboard of a new user in both languages and of
    a phone render (the README's pictures, of a demo, come from scripts/screenshots.py)."""
    folder = tmp_path
    written = []

    def shoot(session, name):
        session.page.wait_for_load_state("networkidle")
        path = folder / f"{name}.png"
        session.page.screenshot(path=path, animations="disabled")
        written.append(path)

    for language, locale in (("en", "en-US"), ("ru", "ru-RU")):
        user_language_set(user=anna, language=language)
        session = open_session(locale=locale)
        session.goto("/login/")
        shoot(session, f"login-{language}")
        session.sign_in()
        expect(session.page.get_by_test_id("page-title")).to_be_visible()
        shoot(session, f"dashboard-{language}")

    phone = open_session(
        locale="ru-RU", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    phone.sign_in()
    shoot(phone, "mobile-ru")
    phone.page.get_by_test_id("nav-toggle").click()
    expect(phone.page.locator("#sidebar")).to_be_visible()
    phone.page.wait_for_timeout(300)  # the drawer slides in
    shoot(phone, "mobile-menu-ru")

    assert all(path.stat().st_size > 10_000 for path in written)
