"""The shell's pages through Django's test client: both languages, the error pages."""

import pytest
from django.test import Client

from ladoga.accounts.services import user_language_set


@pytest.mark.parametrize(
    "language, title, menu_item",
    [("en", "Dashboard", "Partners"), ("ru", "Главная", "Партнёры")],
)
def test_dashboard_speaks_the_users_language(actors, browser_as, language, title, menu_item):
    user_language_set(user=actors["owner"], language=language)

    response = browser_as("owner").get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in page
    assert f'data-testid="page-title">{title}</h1>' in page
    assert f"<span>{menu_item}</span>" in page


@pytest.mark.parametrize(
    "accept_language, button", [("en-US,en;q=0.9", "Sign in"), ("ru-RU,ru;q=0.9", "Войти")]
)
def test_login_page_follows_the_browsers_language(db, accept_language, button):
    response = Client(headers={"accept-language": accept_language}).get("/login/")

    assert f'data-testid="login-submit">{button}</button>' in response.content.decode()


def test_unfinished_sections_say_so(browser_as):
    response = browser_as("owner").get("/soon/loyalty/")

    assert response.status_code == 200
    assert "This section is being built" in response.content.decode()
    assert browser_as("owner").get("/soon/nothing/").status_code == 404


def test_not_found_page_is_the_shells(browser_as):
    response = browser_as("owner").get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "web/ladoga.css" in page


@pytest.mark.parametrize("path, section", [("/", "dashboard"), ("/loyalty/", "loyalty")])
def test_menu_marks_exactly_one_section(browser_as, path, section):
    response = browser_as("owner").get(path)

    active = [item["key"] for item in response.context["nav_sections"] if item["active"]]
    assert active == [section]


def test_menu_prefers_the_longest_matching_address(rf, owner):
    from ladoga.web.context_processors import navigation

    request = rf.get("/")
    request.user = owner
    items = navigation(request)["nav_sections"]
    nested = next(
        (
            (outer, inner)
            for outer in items
            for inner in items
            if outer is not inner and outer["url"] != "/" and inner["url"].startswith(outer["url"])
        ),
        None,
    )
    if nested is None:
        pytest.skip("no section lives under another one's address yet")
    _outer, inner = nested

    request = rf.get(inner["url"])
    request.user = owner
    active = [i["key"] for i in navigation(request)["nav_sections"] if i["active"]]

    assert active == [inner["key"]]
