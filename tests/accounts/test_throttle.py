"""S2/10: the sign-in throttle counts per user name and per address, before the password is
checked, and answers 429 with Retry-After; a wrong password is 401."""

import threading

import pytest
from django.db import connection
from django.test import Client

from ladoga.accounts import services
from ladoga.accounts.models import ApiToken, LoginFailure

PASSWORD = "correct horse battery staple"


def _token(client, username, password, address="10.0.0.7"):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_wrong_password_is_401_problem_and_creates_no_token(api_as, actors):
    response = _token(api_as(None), "owner", "wrong")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["code"] == "credentials_invalid"
    assert "The user name or password is wrong." in response.json()["detail"]
    assert not ApiToken.objects.filter(user=actors["owner"]).exists()


def test_throttled_name_answers_429_with_retry_after(api_as, actors, settings):
    client = api_as(None)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert _token(client, "owner", "wrong").status_code == 401

    response = _token(client, "owner", PASSWORD)

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "login_throttled"
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= settings.LOGIN_FAILURE_WINDOW_SECONDS
    assert not ApiToken.objects.filter(user=actors["owner"]).exists()


def test_made_up_names_from_one_address_do_not_lock_a_real_user(api_as, actors, settings):
    client = api_as(None)
    for number in range(settings.LOGIN_FAILURE_ADDRESS_LIMIT + 5):
        _token(client, f"nobody{number}", "wrong", address="10.0.0.9")

    response = _token(client, "owner", PASSWORD, address="10.0.0.9")

    assert response.status_code == 201


def test_a_made_up_name_is_locked_on_its_own(api_as, actors, settings):
    client = api_as(None)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _token(client, "nobody", "wrong")

    assert _token(client, "nobody", "wrong").status_code == 429
    assert _token(client, "owner", PASSWORD).status_code == 201


def test_many_real_names_from_one_address_lock_that_address(api_as, actors, settings):
    settings.LOGIN_FAILURE_ADDRESS_LIMIT = 4
    client = api_as(None)
    for name in ("colleague", "outsider", "head", "claims"):
        assert _token(client, name, "wrong", address="10.0.0.5").status_code == 401

    assert _token(client, "owner", PASSWORD, address="10.0.0.5").status_code == 429
    assert _token(client, "owner", PASSWORD, address="10.0.0.6").status_code == 201


def test_the_lock_is_forgotten_after_the_window(api_as, actors, settings):
    client = api_as(None)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _token(client, "owner", "wrong")
    LoginFailure.objects.update(at="2000-01-01T00:00:00Z")

    assert _token(client, "owner", PASSWORD).status_code == 201


def test_login_page_and_api_share_the_throttle(api_as, actors, settings):
    client = api_as(None)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _token(client, "owner", "wrong", address="127.0.0.1")

    response = Client(headers={"Accept-Language": "en"}).post(
        "/login/", {"username": "owner", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_check_at_most_the_limit(actors, settings, monkeypatch):
    """40 parallel attempts for one name: the password is checked at most LIMIT times."""
    checked = []
    lock = threading.Lock()
    real_authenticate = services.authenticate
    start = threading.Barrier(40)

    def counting_authenticate(request, **credentials):
        with lock:
            checked.append(credentials["username"])
        return real_authenticate(request, **credentials)

    monkeypatch.setattr(services, "authenticate", counting_authenticate)
    outcomes = []

    def attempt():
        try:
            start.wait()
            services.login_attempt(request=None, username="owner", password="wrong")
        except Exception as error:
            with lock:
                outcomes.append(getattr(error, "codes", [type(error).__name__])[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(checked) <= settings.LOGIN_FAILURE_LIMIT
    assert len(outcomes) == 40
    assert set(outcomes) <= {"credentials_invalid", "login_throttled"}
    assert outcomes.count("credentials_invalid") == len(checked)
