"""Fixtures of the interactions tests: a partner of the owner with a contact person, a
partner of the outsider, `make` to register interactions through the service, and a real
SMTP server on loopback (aiosmtpd) that records what arrives."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone, translation

from ladoga import settings as ladoga_settings
from ladoga.interactions.models import Interaction, Notification, Participant, Reminder, Task
from ladoga.interactions.services import interaction_create
from ladoga.partners.services import contact_create, contact_info_add, partner_create

SMTP_PORTS = range(8830, 8840)
ALL_MODELS = (Interaction, Participant, Reminder, Notification, Task)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@pytest.fixture(autouse=True)
def english():
    """Messages asserted in these tests are the English source strings."""
    with translation.override("en"):
        yield


@pytest.fixture
def partner(owner):
    return partner_create(name="Ромашка", roles=["client"], manager=owner, by=owner)


@pytest.fixture
def other_partner(outsider):
    return partner_create(name="Лютик", roles=["supplier"], manager=outsider, by=outsider)


@pytest.fixture
def contact(partner, owner):
    person = contact_create(partner=partner, last_name="Петрова", first_name="Анна", by=owner)
    contact_info_add(owner=person, kind="email", value="Anna.Petrova@romashka.example", by=owner)
    contact_info_add(owner=person, kind="phone", value="+7 912 345-67-89", by=owner)
    return person


def later(**delta) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(**delta)).replace(microsecond=0)


@pytest.fixture
def make(owner):
    """make(kind="call", **fields) → an interaction registered by the owner."""

    def build(kind="call", title="Call about prices", by=None, **fields):
        return interaction_create(kind=kind, title=title, by=by or owner, **fields)

    return build


@pytest.fixture
def interaction(make, partner):
    return make(subject_type="partners.partner", subject_id=partner.pk)


class Recorder:
    """Keeps every message the SMTP server accepted; refuses recipients at refused.example."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port of the range that nothing listens on (TIME_WAIT left by a stopped server is
    fine: the servers bind with SO_REUSEADDR)."""
    for port in SMTP_PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8830–8839 for the test SMTP server")


def smtp_settings(settings, port: int) -> None:
    """Configure Django's SMTP backend exactly as LADOGA_EMAIL_URL would."""
    for name, value in ladoga_settings._email_settings(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 10


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    controller = None
    for port in SMTP_PORTS:  # another test run may hold a port between probe and bind
        candidate = Controller(recorder, hostname="127.0.0.1", port=port)
        try:
            candidate.start()
        except (OSError, RuntimeError):
            continue
        controller = candidate
        break
    if controller is None:
        raise RuntimeError("no free port in 8830–8839 for the test SMTP server")
    smtp_settings(settings, controller.port)
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(settings):
    """LADOGA_EMAIL_URL pointing at a loopback port where nothing listens: bound by this
    fixture and never listened on, so a connection is refused and no other test's server
    (another xdist worker's) can take the port meanwhile. Yields the socket: close it to
    let a server come back at that address."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        smtp_settings(settings, held.getsockname()[1])
        yield held
