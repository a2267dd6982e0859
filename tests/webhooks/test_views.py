"""The webhooks settings pages: administrators only; the secret shown once on creation;
refusals shown in the form with nothing written; the delivery log with resend."""

import pytest
from django.utils import timezone

from ladoga.core.events import Announcement, Event
from ladoga.partners.services import partner_create
from ladoga.webhooks import services
from ladoga.webhooks.models import WebhookEndpoint


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("admin", 200), ("head", 403), ("owner", 403), ("claims", 403)],
)
def test_the_pages_are_for_administrators(browser_as, actor, expected):
    assert browser_as(actor).get("/settings/webhooks/").status_code == expected
    assert browser_as(actor).get("/settings/webhooks/new/").status_code == expected


def test_the_menu_shows_webhooks_to_administrators_only(browser_as):
    assert b'data-testid="menu-webhooks"' in browser_as("admin").get("/settings/webhooks/").content
    assert b'data-testid="menu-webhooks"' not in browser_as("owner").get("/").content


def test_creating_shows_the_secret_once(browser_as, receiver):
    admin = browser_as("admin")
    response = admin.post(
        "/settings/webhooks/new/",
        {"url": receiver.url, "events": ["deal.won"], "is_active": "on", "allow_private": "on"},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.encode() in response.content
    detail = admin.get(f"/settings/webhooks/{endpoint.pk}/")
    assert detail.status_code == 200
    assert endpoint.secret.encode() not in detail.content


def test_a_refused_url_is_shown_in_the_form_and_nothing_is_written(browser_as):
    response = browser_as("admin").post(
        "/settings/webhooks/new/", {"url": "http://10.0.0.1/hooks", "events": ["deal.won"]}
    )
    assert response.status_code == 422
    assert b"is an address of the server&#x27;s own network" in response.content
    assert not WebhookEndpoint.objects.exists()


def test_a_disabled_endpoint_says_when_and_why(browser_as, endpoint_factory):
    endpoint = endpoint_factory(events=["deal.won"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=20, disabled_at=timezone.now()
    )
    page = browser_as("admin").get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "after 20 failures in a row" in page


def test_edit_and_delete_with_confirmation(browser_as, endpoint_factory):
    endpoint = endpoint_factory(events=["deal.won"])
    admin = browser_as("admin")
    response = admin.post(
        f"/settings/webhooks/{endpoint.pk}/edit/",
        {"url": endpoint.url, "events": ["deal.lost"], "is_active": "on", "allow_private": "on"},
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().events == ["deal.lost"]
    assert admin.get(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 200
    assert WebhookEndpoint.objects.exists()
    assert admin.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_and_resend(
    browser_as, endpoint_factory, owner, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_factory(events=["partner.created"])
    receiver.status, receiver.body = 500, b"database is down"
    partner = partner_create(name="Stroymontazh", manager=owner, by=owner)
    [delivery] = services.deliveries_create(Announcement(event=Event.PARTNER_CREATED, obj=partner))
    services.delivery_attempt(delivery_id=delivery.pk)
    admin = browser_as("admin")
    page = admin.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert 'data-status="failed"' in page and "database is down" in page and "500" in page
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/settings/webhooks/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.requests) == 2
    filtered = admin.get(f"/settings/webhooks/{endpoint.pk}/?status=failed").content.decode()
    assert 'data-status="delivered"' not in filtered
