"""Only http(s) URLs on public addresses, unless an administrator allows the server's own
network; never link-local (cloud metadata) addresses, nor a URL that redirects there.
Each refusal has its code and message, and writes nothing."""

import ipaddress

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.webhooks import services
from ladoga.webhooks.addresses import address_refusal, url_check
from ladoga.webhooks.models import WebhookEndpoint


def refused(admin_user, url, allow_private=False):
    with pytest.raises(ValidationFailed) as error:
        services.endpoint_create(
            url=url, events=["deal.won"], by=admin_user, allow_private=allow_private
        )
    assert not WebhookEndpoint.objects.exists()
    [violation] = error.value.violations
    assert violation.field == "url"
    return violation.code, str(violation.message)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/hooks",
        "gopher://example.com/",
        "javascript:alert(1)",
    ],
)
def test_only_http_and_https_urls(admin_user, url):
    assert refused(admin_user, url) == (
        "webhook_url_scheme",
        "Only http:// and https:// URLs can receive webhooks.",
    )


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000/hooks", "127.0.0.1"),
        ("http://10.0.0.1/hooks", "10.0.0.1"),
        ("http://192.168.1.20/hooks", "192.168.1.20"),
        ("http://[::1]:8000/hooks", "::1"),
        ("http://[::ffff:10.0.0.1]/hooks", "10.0.0.1"),
        ("https://localhost/hooks", None),  # a name that resolves to loopback
    ],
)
def test_addresses_of_the_own_network_are_refused_without_the_administrators_leave(
    admin_user, url, address
):
    code, message = refused(admin_user, url)
    assert code == "webhook_url_private"
    assert message.endswith(
        "is an address of the server's own network; an administrator must allow private "
        "addresses for this endpoint."
    )
    if address:
        assert message.startswith(address)


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://224.0.0.1/"]
)
def test_link_local_multicast_and_unspecified_addresses_are_refused_even_when_allowed(
    admin_user, url
):
    code, message = refused(admin_user, url, allow_private=True)
    assert code == "webhook_url_private"
    assert "is a link-local, multicast or reserved address." in message


def test_a_url_that_redirects_to_a_refused_address_is_not_saved(admin_user, receiver):
    receiver.status, receiver.headers = 302, {"Location": "http://169.254.169.254/latest/"}
    code, message = refused(admin_user, receiver.url, allow_private=True)
    assert code == "webhook_url_redirect"
    assert message == (
        "The receiver redirected to http://169.254.169.254/latest/: 169.254.169.254 is a "
        "link-local, multicast or reserved address."
    )
    [ping] = receiver.everything  # the probe that found it; nothing followed it
    assert ping.json["type"] == "webhook.ping"


def test_a_url_that_redirects_to_another_scheme_is_not_saved(admin_user, receiver):
    receiver.status, receiver.headers = 301, {"Location": "file:///etc/passwd"}
    code, message = refused(admin_user, receiver.url, allow_private=True)
    assert code == "webhook_url_redirect"
    assert "Only http:// and https:// URLs can receive webhooks." in message


def test_a_redirect_to_a_private_address_is_refused_for_a_public_endpoint():
    """The rule the redirect check applies to a Location of an endpoint without leave (a
    public receiver cannot run in the tests: they stay on loopback)."""
    with pytest.raises(ValidationFailed) as error:
        url_check("http://10.0.0.1/internal", allow_private=False)
    assert error.value.codes == ["webhook_url_private"]
    assert address_refusal(ipaddress.ip_address("8.8.8.8"), allow_private=False) is None


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "webhook_url_required"),
        ("http://", "webhook_url_invalid"),
        ("http://exa mple.com/", "webhook_url_invalid"),
        ("http://user:secret@example.com/", "webhook_url_invalid"),
        # A label longer than DNS allows fails before any lookup leaves the machine.
        ("http://" + "a" * 64 + ".example.com/hooks", "webhook_url_unresolvable"),
    ],
)
def test_urls_that_make_no_sense(admin_user, url, code):
    assert refused(admin_user, url)[0] == code


def test_only_an_administrator_allows_private_addresses(actors, admin_user):
    # A manager of webhooks (by permission) who is not an administrator.
    admin_user.role, admin_user.is_superuser = "head", False
    with pytest.raises(ValidationFailed) as error:
        services.endpoint_create(
            url="http://10.0.0.1/", events=["deal.won"], by=admin_user, allow_private=True
        )
    assert "webhook_private_not_allowed" in error.value.codes
    assert not WebhookEndpoint.objects.exists()


def test_allowed_private_address_is_saved_and_pinged(admin_user, receiver):
    endpoint = services.endpoint_create(
        url=receiver.url, events=["deal.won"], by=admin_user, allow_private=True
    )
    assert endpoint.secret.startswith("whsec_")
    [ping] = receiver.everything
    assert ping.verified(endpoint.secret)["type"] == "webhook.ping"
