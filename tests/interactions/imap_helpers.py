"""Helpers of the IMAP tests: messages as a mail program writes them, and a TCP relay that
drops the connection to the real server after a number of bytes (a network that fails
mid-fetch)."""

import contextlib
import re
import socket
import threading
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from tests.dovecot import free_port


def mail(
    number: int,
    *,
    sender: str = "Anna Petrova <anna.petrova@romashka.example>",
    to: str = "Owner <owner@ladoga.example>",
    subject: str = "",
    message_id: str | None = "",
    in_reply_to: str = "",
    attachment: tuple[str, bytes, str] | None = None,
    body: str = "",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject or f"Message {number}"
    message["Date"] = format_datetime(timezone.now())
    if message_id is not None:
        message["Message-ID"] = message_id or f"<m{number}@romashka.example>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body or f"Text of message {number}.\n" + "Lorem ipsum dolor. " * 40)
    if attachment:
        name, data, content_type = attachment
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


FETCHED = re.compile(rb"\* \d+ FETCH \(")


class DroppingRelay:
    """Listens on a loopback port and relays to `target_port`; each of the first `drops`
    connections is cut in the middle of the server's (`cut_after` + 1)-th FETCH answer, so
    the client has received `cut_after` whole messages on it."""

    def __init__(self, target_port: int, *, cut_after: int, drops: int):
        self.target_port = target_port
        self.cut_after = cut_after
        self.drops = drops
        self.connections = 0
        self.cuts = 0
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            cut = self.cut_after if self.connections <= self.drops else None
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, cut), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, cut: int | None) -> None:
        seen = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if cut is not None:
                    starts = [m.start() for m in FETCHED.finditer(data)]
                    if seen + len(starts) > cut:
                        sink.sendall(data[: starts[cut - seen] + 20])
                        self.cuts += 1
                        break
                    seen += len(starts)
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def stop(self) -> None:
        self.running = False
        self.listener.close()
        self.thread.join(timeout=2)
