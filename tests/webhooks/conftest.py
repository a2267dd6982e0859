"""Fixtures of the webhooks tests: a real HTTP receiver on 127.0.0.1 (a thread) that
records every request and answers as told, and `endpoint_factory`, which subscribes it
through the service as the administrator (loopback needs `allow_private`)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from ladoga.webhooks import services
from ladoga.webhooks.services import PING


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def verified(self, secret: str) -> dict:
        """The payload, after the Standard Webhooks signature check (raises if wrong)."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    """Answers `status` (with `headers` and `body`) to every POST, or the next of
    `script` while it lasts; `requests` lists what arrived, pings left out."""

    server: ThreadingHTTPServer
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    script: list[tuple[int, dict, bytes]] = field(default_factory=list)
    everything: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    @property
    def requests(self) -> list[Received]:
        with self.lock:
            return [r for r in self.everything if r.json.get("type") != PING]

    def answer(self) -> tuple[int, dict, bytes]:
        with self.lock:
            if self.script:
                return self.script.pop(0)
            return self.status, self.headers, self.body


def _handler(receiver_of):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            receiver = receiver_of()
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.everything.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            status, headers, answer = receiver.answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    return Handler


def receiver_start() -> Receiver:
    holder: list[Receiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lambda: holder[0]))
    server.daemon_threads = True
    holder.append(Receiver(server=server))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder[0]


@pytest.fixture
def receiver():
    running = receiver_start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def endpoint_factory(admin_user, receiver):
    def make(*, events=("deal.won",), url=None, by=None, **kwargs):
        kwargs.setdefault("allow_private", True)
        return services.endpoint_create(
            url=url or receiver.url, events=list(events), by=by or admin_user, **kwargs
        )

    return make
