from django.test import Client

from ladoga.accounts.models import LoginFailure

PASSWORD = "correct horse battery staple"


def test_login_page_renders_for_anonymous(db):
    response = Client(headers={"Accept-Language": "en"}).get("/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_need_login(db):
    response = Client(headers={"Accept-Language": "en"}).get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_then_dashboard_then_logout(actors):
    client = Client(headers={"Accept-Language": "en"})

    response = client.post("/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_login_redirects_only_to_own_site(actors):
    response = Client(headers={"Accept-Language": "en"}).post(
        "/login/", {"username": "owner", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_wrong_password_shows_error_and_records_failure(actors):
    response = Client(headers={"Accept-Language": "en"}).post(
        "/login/", {"username": "owner", "password": "nope"}
    )

    assert response.status_code == 400
    assert "The user name or password is wrong." in response.content.decode()
    assert LoginFailure.objects.filter(username="owner").count() == 1


def test_repeated_failures_lock_the_name_even_with_the_right_password(actors, settings):
    client = Client(headers={"Accept-Language": "en"})
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "owner", "password": "nope"})

    response = client.post("/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302


def test_success_forgets_earlier_failures(actors):
    client = Client(headers={"Accept-Language": "en"})
    client.post("/login/", {"username": "owner", "password": "nope"})

    client.post("/login/", {"username": "owner", "password": PASSWORD})

    assert not LoginFailure.objects.filter(username="owner").exists()


def test_logout_needs_post(browser_as):
    client = browser_as("owner")
    response = client.get("/logout/")  # leads to the start page and signs nobody out
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_language_switch_is_remembered_on_the_user(actors, browser_as):
    client = browser_as("owner")

    client.post("/language/", {"language": "ru", "next": "/"})

    actors["owner"].refresh_from_db()
    assert actors["owner"].language == "ru"
    page = client.get("/").content.decode()
    assert 'lang="ru"' in page
    client.post("/language/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_unknown_language_changes_nothing(actors, browser_as):
    browser_as("owner").post("/language/", {"language": "xx"})

    actors["owner"].refresh_from_db()
    assert actors["owner"].language == "en"


def test_profile_edit_with_stale_version_is_refused(actors, browser_as):
    client = browser_as("owner")
    owner = actors["owner"]
    form = {
        "version": owner.version - 1 if owner.version > 1 else owner.version + 5,
        "first_name": "New",
        "last_name": "",
        "email": "",
        "language": "en",
        "time_zone": "Europe/Moscow",
    }

    response = client.post("/profile/", form)

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    owner.refresh_from_db()
    assert owner.first_name == "Owner"


def test_profile_creates_and_revokes_tokens(actors, browser_as):
    client = browser_as("owner")

    page = client.post("/profile/tokens/", {"name": "laptop"}).content.decode()

    assert "ldg_" in page
    token = actors["owner"].api_tokens.get()
    client.post(f"/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
