"""/api/v1/webhooks: administrators only (others 403, anonymous 401); the secret is in
the creation's answer only; PATCH needs If-Match; deliveries and resend."""

import pytest

from ladoga.core.events import Announcement, Event
from ladoga.partners.services import partner_create
from ladoga.webhooks import services
from ladoga.webhooks.models import WebhookDelivery, WebhookEndpoint

BASE = "/api/v1/webhooks"


@pytest.fixture
def endpoint(endpoint_factory):
    return endpoint_factory(events=["partner.created", "deal.won"], description="ERP")


@pytest.fixture
def delivery(endpoint, owner, receiver):
    partner = partner_create(name="Stroymontazh", manager=owner, by=owner)
    [made] = services.deliveries_create(Announcement(event=Event.PARTNER_CREATED, obj=partner))
    services.delivery_attempt(delivery_id=made.pk)
    return made


CALLS = [
    ("get", BASE, None),
    ("post", BASE, {"url": "http://10.0.0.1/", "events": ["deal.won"]}),
    ("get", BASE + "/{endpoint}", None),
    ("patch", BASE + "/{endpoint}", {"description": "x"}),
    ("delete", BASE + "/{endpoint}", None),
    ("get", BASE + "/{endpoint}/deliveries", None),
    ("post", BASE + "/deliveries/{delivery}/resend", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (None, 401),
        ("owner", 403),
        ("colleague", 403),
        ("outsider", 403),
        ("head", 403),
        ("claims", 403),
        ("portal", 403),
    ],
)
def test_only_administrators_reach_webhooks(
    api_as, actor, expected, method, path, body, endpoint, delivery
):
    path = path.format(endpoint=endpoint.pk, delivery=delivery.pk)
    client = api_as(actor)
    args = (path, body) if method in ("post", "patch") else (path,)
    response = getattr(client, method)(*args, headers={"If-Match": '"1"'})
    assert response.status_code == expected
    assert WebhookEndpoint.objects.get().description == "ERP"
    assert WebhookDelivery.objects.get().attempts == 1


def test_an_endpoint_or_delivery_that_does_not_exist_is_404(api_as):
    admin = api_as("admin")
    assert admin.get(f"{BASE}/999").status_code == 404
    assert admin.get(f"{BASE}/999/deliveries").status_code == 404
    assert admin.post(f"{BASE}/deliveries/999/resend").status_code == 404


def test_create_answers_the_secret_once(api_as, receiver, admin_user):
    admin = api_as("admin")
    response = admin.post(
        BASE,
        {
            "url": receiver.url,
            "events": ["deal.lost", "deal.won"],
            "description": "ERP",
            "allow_private": True,
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["deal.won", "deal.lost"]
    assert created["owner_id"] == admin_user.pk
    assert response["ETag"] == '"1"'
    again = admin.get(f"{BASE}/{created['id']}").json()
    assert "secret" not in again
    assert [e["id"] for e in admin.get(BASE).json()["items"]] == [created["id"]]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "file:///etc/passwd", "events": ["deal.won"]}, "webhook_url_scheme"),
        ({"url": "http://10.0.0.1/", "events": ["deal.won"]}, "webhook_url_private"),
        ({"url": "http://localhost/", "events": ["deal.won"]}, "webhook_url_private"),
        ({"url": "https://example.com/", "events": []}, "webhook_events_required"),
        ({"url": "https://example.com/", "events": ["deal.eaten"]}, "webhook_event_unknown"),
    ],
)
def test_bad_input_is_422_with_its_code_and_nothing_written(api_as, body, code):
    response = api_as("admin").post(BASE, body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert code in [e["code"] for e in response.json()["errors"]]
    assert not WebhookEndpoint.objects.exists()


def test_patch_needs_the_current_version(api_as, endpoint):
    admin = api_as("admin")
    stale = admin.patch(
        f"{BASE}/{endpoint.pk}", {"description": "CRM"}, headers={"If-Match": '"7"'}
    )
    assert stale.status_code == 412
    assert WebhookEndpoint.objects.get().description == "ERP"
    changed = admin.patch(
        f"{BASE}/{endpoint.pk}",
        {"description": "CRM", "events": ["order.posted"]},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["description"], changed.json()["events"]) == ("CRM", ["order.posted"])
    assert changed["ETag"] == '"2"'


def test_patch_to_a_refused_url_changes_nothing(api_as, endpoint):
    response = api_as("admin").patch(
        f"{BASE}/{endpoint.pk}", {"url": "ftp://example.com/"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "webhook_url_scheme"
    assert WebhookEndpoint.objects.get().url == endpoint.url


def test_delete(api_as, endpoint, delivery):
    assert api_as("admin").delete(f"{BASE}/{endpoint.pk}").status_code == 204
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_deliveries_and_resend(api_as, endpoint, delivery, receiver):
    admin = api_as("admin")
    listed = admin.get(f"{BASE}/{endpoint.pk}/deliveries").json()
    assert listed["count"] == 1
    [item] = listed["items"]
    assert (item["event_type"], item["status"], item["response_status"]) == (
        "partner.created",
        "delivered",
        200,
    )
    assert item["payload"]["data"]["name"] == "Stroymontazh"
    assert admin.get(f"{BASE}/{endpoint.pk}/deliveries?status=failed").json()["count"] == 0
    response = admin.post(f"{BASE}/deliveries/{delivery.pk}/resend")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["attempts"] == 0


def test_resend_while_the_endpoint_is_off_is_409(api_as, endpoint, delivery):
    WebhookEndpoint.objects.update(is_active=False)
    response = api_as("admin").post(f"{BASE}/deliveries/{delivery.pk}/resend")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "webhook_endpoint_disabled"
    assert WebhookDelivery.objects.get().status == "delivered"
