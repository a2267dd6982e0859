"""Sending: the signature, the log of an attempt, the retry schedule, giving up, disabling
an endpoint that keeps failing (its owner told once), resending, and a delivery that is
never sent twice, even by two workers at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from ladoga.core.errors import Conflict
from ladoga.core.events import Announcement, Event
from ladoga.interactions.models import Notification
from ladoga.partners.services import partner_create
from ladoga.webhooks import services
from ladoga.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


@pytest.fixture
def partner(owner):
    return partner_create(name="Stroymontazh", manager=owner, by=owner)


def announce(partner) -> list[WebhookDelivery]:
    """What the events listener does after a commit: queue the deliveries (their sending
    waits for a commit the test transaction never makes, so tests send them by hand)."""
    return services.deliveries_create(Announcement(event=Event.PARTNER_CREATED, obj=partner))


def attempt(delivery) -> WebhookDelivery | None:
    return services.delivery_attempt(delivery_id=delivery.pk)


def make_due(delivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_is_signed_and_logged(receiver, endpoint_factory, partner):
    endpoint = endpoint_factory(events=["partner.created"])
    receiver.body = b"thanks " * 400
    [delivery] = announce(partner)
    attempt(delivery)
    [received] = receiver.requests
    assert received.verified(endpoint.secret)["data"]["name"] == "Stroymontazh"
    assert received.headers["content-type"] == "application/json"
    assert received.path == "/hooks"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.response_status == 200
    assert delivery.response_excerpt == ("thanks " * 400)[:1024]
    assert delivery.duration_ms is not None and delivery.delivered_at is not None
    assert delivery.next_attempt_at is None


def test_a_signature_made_with_another_secret_does_not_verify(receiver, endpoint_factory, partner):
    endpoint_factory(events=["partner.created"])
    [delivery] = announce(partner)
    attempt(delivery)
    with pytest.raises(Exception, match="signature"):
        receiver.requests[0].verified(services.secret_new())


def test_failed_attempts_back_off_then_give_up(receiver, endpoint_factory, partner):
    endpoint_factory(events=["partner.created"])
    receiver.status, receiver.body = 503, b"down for maintenance"
    [delivery] = announce(partner)
    waits = []
    for number in range(1, services.MAX_ATTEMPTS + 1):
        attempt(delivery)
        delivery.refresh_from_db()
        assert delivery.attempts == number
        assert (delivery.response_status, delivery.response_excerpt) == (
            503,
            "down for maintenance",
        )
        if number < services.MAX_ATTEMPTS:
            assert delivery.status == DeliveryStatus.FAILED
            waits.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
            assert attempt(delivery) is None  # not due yet: nothing is sent
            assert len(receiver.requests) == number
            make_due(delivery)
    assert delivery.status == DeliveryStatus.GAVE_UP
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == services.MAX_ATTEMPTS == 8
    assert [round(w) for w in waits] == [30, 120, 600, 3600, 21600, 43200, 86400]
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.event_id}


def test_a_receiver_that_does_not_answer_is_a_failed_attempt(endpoint_factory, partner):
    endpoint = endpoint_factory(events=["partner.created"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/hooks")
    [delivery] = announce(partner)
    attempt(delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_status is None
    assert "ConnectError" in delivery.response_excerpt


def test_an_endpoint_failing_again_and_again_is_disabled_and_its_owner_told_once(
    receiver, endpoint_factory, partner, admin_user
):
    endpoint = endpoint_factory(events=["partner.created"])
    receiver.status = 500
    deliveries = [announce(partner)[0] for _ in range(services.DISABLE_AFTER_FAILURES + 1)]
    for delivery in deliveries[:-1]:
        attempt(delivery)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert endpoint.consecutive_failures == services.DISABLE_AFTER_FAILURES == 20
    [notice] = Notification.objects.filter(user=admin_user)
    assert notice.title == f"Webhook endpoint disabled: {endpoint.url}"
    assert notice.url == f"/settings/webhooks/{endpoint.pk}/"
    # The last one is not sent any more, and nobody is told twice.
    sent = len(receiver.requests)
    attempt(deliveries[-1])
    assert len(receiver.requests) == sent
    assert WebhookDelivery.objects.get(pk=deliveries[-1].pk).status == DeliveryStatus.GAVE_UP
    assert Notification.objects.filter(user=admin_user).count() == 1
    assert announce(partner) == []  # a disabled endpoint gets no new deliveries


def test_a_success_resets_the_failures_in_a_row(receiver, endpoint_factory, partner):
    endpoint = endpoint_factory(events=["partner.created"])
    receiver.script = [(500, {}, b"no")] * 3
    for _ in range(4):
        attempt(announce(partner)[0])
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.is_active


def test_turning_a_disabled_endpoint_on_again_clears_its_failures(endpoint_factory, admin_user):
    endpoint = endpoint_factory(events=["partner.created"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=20, disabled_at=timezone.now()
    )
    endpoint.refresh_from_db()
    endpoint = services.endpoint_update(
        endpoint=endpoint, expected_version=endpoint.version, by=admin_user, is_active=True
    )
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (
        True,
        0,
        None,
    )


def test_a_delivered_delivery_is_not_sent_again_by_a_duplicate_task(
    receiver, endpoint_factory, partner
):
    endpoint_factory(events=["partner.created"])
    [delivery] = announce(partner)
    assert attempt(delivery) is not None
    assert attempt(delivery) is None
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_delivery_send_it_once(receiver, endpoint_factory):
    endpoint = endpoint_factory(events=["partner.created"])
    # Made by hand: out of a test transaction the listener would send it at once.
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=services.message_id_new(),
        event_type="partner.created",
        payload={"type": "partner.created", "data": {}},
        next_attempt_at=timezone.now(),
    )
    results, start = [], threading.Barrier(4)

    def worker():
        start.wait()
        try:
            results.append(attempt(delivery))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.requests) == 1
    assert sum(result is not None for result in results) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED


def test_resend_sends_the_same_message_again(
    receiver, endpoint_factory, partner, admin_user, django_capture_on_commit_callbacks
):
    endpoint = endpoint_factory(events=["partner.created"])
    [delivery] = announce(partner)
    attempt(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(delivery=delivery, by=admin_user)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    assert second.verified(endpoint.secret) == first.verified(endpoint.secret)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


def test_resend_gives_a_given_up_delivery_a_fresh_schedule(
    receiver, endpoint_factory, partner, admin_user
):
    endpoint_factory(events=["partner.created"])
    [delivery] = announce(partner)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="gave_up", attempts=8)
    delivery = services.delivery_resend(delivery=delivery, by=admin_user)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert delivery.next_attempt_at <= timezone.now()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": "sending"}, "webhook_delivery_sending"),
        ({"status": "gave_up", "endpoint_off": True}, "webhook_endpoint_disabled"),
    ],
)
def test_resend_is_refused_while_sending_or_when_the_endpoint_is_off(
    change, code, endpoint_factory, partner, admin_user, receiver
):
    endpoint = endpoint_factory(events=["partner.created"])
    [delivery] = announce(partner)
    if change.pop("endpoint_off", False):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**change)
    with pytest.raises(Conflict) as error:
        services.delivery_resend(delivery=delivery, by=admin_user)
    assert error.value.codes == [code]
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == change["status"]
    assert receiver.requests == []


def test_resend_is_for_administrators_only(endpoint_factory, partner, actors):
    endpoint_factory(events=["partner.created"])
    [delivery] = announce(partner)
    with pytest.raises(services.WebhookForbidden) as error:
        services.delivery_resend(delivery=delivery, by=actors["head"])
    assert error.value.codes == ["webhook_forbidden"]


def test_the_minute_sweep_sends_due_retries_and_takes_back_stuck_ones(
    receiver, endpoint_factory, partner, django_capture_on_commit_callbacks
):
    endpoint_factory(events=["partner.created"])
    due, stuck, later = (announce(partner)[0] for _ in range(3))
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    WebhookDelivery.objects.filter(pk=stuck.pk).update(status="sending", claimed_at=an_hour_ago)
    WebhookDelivery.objects.filter(pk=later.pk).update(
        status="failed", next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_due_send() == 2
    assert {r.headers["webhook-id"] for r in receiver.requests} == {due.event_id, stuck.event_id}
    assert WebhookDelivery.objects.get(pk=later.pk).status == DeliveryStatus.FAILED


def test_a_redirect_to_a_refused_address_fails_without_following_it(
    receiver, endpoint_factory, partner
):
    endpoint_factory(events=["partner.created"])
    receiver.status, receiver.headers = 307, {"Location": "http://169.254.169.254/latest/"}
    [delivery] = announce(partner)
    attempt(delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_status == 307
    assert delivery.response_excerpt.startswith(
        "The receiver redirected to http://169.254.169.254/latest/: 169.254.169.254 is a link-local"
    )
    assert len(receiver.requests) == 1


def test_a_redirect_to_an_allowed_address_is_followed_once_checked(
    receiver, endpoint_factory, partner
):
    endpoint = endpoint_factory(events=["partner.created"])
    receiver.script = [(308, {"Location": "/moved"}, b"")]
    [delivery] = announce(partner)
    attempt(delivery)
    first, second = receiver.requests
    assert (first.path, second.path) == ("/hooks", "/moved")
    assert second.verified(endpoint.secret)["type"] == "partner.created"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_the_address_is_checked_again_before_each_attempt(receiver, endpoint_factory, partner):
    """DNS (or the rule) may change after saving: loopback is refused at send time too."""
    endpoint = endpoint_factory(events=["partner.created"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(allow_private=False)
    [delivery] = announce(partner)
    attempt(delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "own network" in delivery.response_excerpt
    assert receiver.requests == []
