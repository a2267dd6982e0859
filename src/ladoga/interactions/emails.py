"""E-mail on the wire (I7): reading an .eml with the standard library, and the addresses,
threading headers and parts that registration needs. Pure functions: no database.

A file is refused when it is not a message at all (no header block, no sender) or when its
MIME structure is broken (a multipart without its boundary, a part that never ends): such
a file would be registered with a missing body or attachments, silently.
"""

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed

from .errors import InteractionsCode

# Defects that mean the structure cannot be trusted (the body or attachments may be lost).
BROKEN_DEFECTS = (
    "NoBoundaryInMultipartDefect",
    "StartBoundaryNotFoundDefect",
    "CloseBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
    "MisplacedEnvelopeHeaderDefect",
    "InvalidMultipartContentTransferEncodingDefect",
)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:", re.MULTILINE)


@dataclass
class Address:
    name: str
    email: str


@dataclass
class ParsedAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    message_id: str
    in_reply_to: str
    references: list[str]
    subject: str
    date: object  # datetime | None
    sender: Address | None
    to: list[Address]
    cc: list[Address]
    text: str
    html: str
    attachments: list[ParsedAttachment] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first (In-Reply-To, then References)."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [i for i in reversed(self.references) if i not in ids]
        return ids


def _refuse(code: str, message) -> ValidationFailed:
    return ValidationFailed.single(code, message, "file")


def message_ids(value: str | None) -> list[str]:
    return _MESSAGE_ID.findall(str(value or ""))


def _addresses(message: EmailMessage, header: str) -> list[Address]:
    values = [str(v) for v in message.get_all(header, [])]
    found = []
    for name, address in email.utils.getaddresses(values):
        address = address.strip()
        if address and "@" in address:
            found.append(Address(name=name.strip(), email=address))
    return found


def eml_parse(raw: bytes) -> ParsedEmail:
    """Read an .eml file; ValidationFailed (eml_not_a_message, eml_broken_mime) when it is
    not a message or its structure is broken."""
    if not raw or b"\x00" in raw[:4096] or not _HEADER_LINE.match(raw.lstrip()[:1000]):
        raise _refuse(
            InteractionsCode.EML_NOT_A_MESSAGE,
            _("The file is not an e-mail message (.eml): it has no message headers."),
        )
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        sender = _addresses(message, "From")
        defects = [type(defect).__name__ for part in message.walk() for defect in part.defects]
    except Exception:  # the parser gave up: the structure is beyond repair
        raise _refuse(
            InteractionsCode.EML_BROKEN, _("The message's MIME structure is broken.")
        ) from None
    if "MissingHeaderBodySeparatorDefect" in defects and not message.keys():
        defects.append("not a message")
    if not message.keys() or not sender or not (message["Date"] or message["Message-ID"]):
        raise _refuse(
            InteractionsCode.EML_NOT_A_MESSAGE,
            _("The file is not an e-mail message (.eml): it has no sender or date."),
        )
    broken = sorted({d for d in defects if d in BROKEN_DEFECTS})
    if broken:
        raise _refuse(
            InteractionsCode.EML_BROKEN,
            _("The message's MIME structure is broken (%(defects)s).")
            % {"defects": ", ".join(broken)},
        )
    try:
        text, html, attachments = _parts(message)
    except (LookupError, ValueError, AssertionError):
        raise _refuse(
            InteractionsCode.EML_BROKEN, _("The message's MIME structure is broken.")
        ) from None
    date = None
    if message["Date"]:
        try:
            date = email.utils.parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            date = None
    ids = message_ids(message["Message-ID"])
    replied = message_ids(message["In-Reply-To"])
    return ParsedEmail(
        message_id=ids[0] if ids else "",
        in_reply_to=replied[0] if replied else "",
        references=message_ids(message["References"]),
        subject=str(message["Subject"] or "").strip(),
        date=date,
        sender=sender[0],
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        text=text,
        html=html,
        attachments=attachments,
    )


def _parts(message: EmailMessage) -> tuple[str, str, list[ParsedAttachment]]:
    text = html = ""
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        content_type = part.get_content_type()
        if (
            disposition == "attachment"
            or (filename and disposition != "inline")
            or (filename and not content_type.startswith("text/"))
        ):
            data = part.get_payload(decode=True) or b""
            attachments.append(
                ParsedAttachment(
                    name=filename or "attachment", content_type=content_type, data=data
                )
            )
        elif content_type == "text/plain" and not text:
            text = part.get_content()
        elif content_type == "text/html" and not html:
            html = part.get_content()
    if not text and html:
        text = html_to_text(html)
    return text, html, attachments


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "head", "title"}
    BREAKS = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (HTML itself is never shown: it can carry script)."""
    parser = _TextExtractor()
    parser.feed(html or "")
    lines = [
        "".join(line.split(" ")) if not line.strip() else " ".join(line.split())
        for line in "".join(parser.chunks).splitlines()
    ]
    return "\n".join(line for line in lines if line).strip()


def message_id_new(domain: str) -> str:
    return email.utils.make_msgid(domain=domain or "ladoga.localhost")
