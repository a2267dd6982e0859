"""State-registry auto-fill (P11): look a counterparty up by INN in ЕГРЮЛ/ЕГРИП.

A provider is anything with `find_party(inn, kpp="") -> RegistryParty`. The first one is a
client of DaData's "findById/party" API (and of anything that speaks it):

    POST {LADOGA_REGISTRY_URL}/findById/party   {"query": "<inn>"[, "kpp": "<kpp>"]}
    Authorization: Token {LADOGA_REGISTRY_TOKEN}

It answers {"suggestions": [{"value", "data": {...}}]}; an unknown INN gives an empty list.
Every failure becomes a RegistryError (a DomainError with a stable code): not found (404),
not configured (503), token rejected (502), limit reached (502), unavailable (502),
timeout (504), malformed answer (502). Nothing here crashes on a strange answer.

Tests and other providers replace the default with `provider_set(...)`.
"""

import logging
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from ladoga.core.errors import ValidationFailed, Violation

from . import taxnumbers
from .errors import (
    PartnersCode,
    RegistryError,
    RegistryNotConfigured,
    RegistryNotFound,
    RegistryTimeout,
)
from .models import CounterpartyKind, RegistryStatus

logger = logging.getLogger("ladoga.partners.registry")

# DaData's state.status → ours.
STATUSES = {
    "ACTIVE": RegistryStatus.ACTIVE,
    "LIQUIDATING": RegistryStatus.LIQUIDATING,
    "LIQUIDATED": RegistryStatus.LIQUIDATED,
    "BANKRUPT": RegistryStatus.BANKRUPT,
    "REORGANIZING": RegistryStatus.REORGANIZING,
}


@dataclass(frozen=True)
class RegistryParty:
    """What the registry says about an organisation or sole proprietor."""

    inn: str
    kind: str  # CounterpartyKind: legal_entity or sole_proprietor
    short_name: str
    full_name: str
    kpp: str = ""
    ogrn: str = ""
    legal_address: str = ""
    status: str = RegistryStatus.UNKNOWN
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


class RegistryProvider(Protocol):
    def find_party(self, inn: str, kpp: str = "") -> RegistryParty: ...


def _error(cls, code: str, message) -> RegistryError:
    return cls([Violation(code=code, message=message)])


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _contacts(value) -> list[str]:
    """DaData lists phones and e-mails as [{"value": …}, …] (or null on free plans)."""
    if not isinstance(value, list):
        return []
    found = []
    for item in value:
        text = _text(item.get("value")) if isinstance(item, dict) else _text(item)
        if text:
            found.append(text)
    return found


def party_parse(answer, inn: str) -> RegistryParty:
    """Read a findById/party answer into a RegistryParty; RegistryError when malformed or
    empty (pure: no network, no database)."""
    malformed = _error(
        RegistryError,
        PartnersCode.REGISTRY_ANSWER_MALFORMED,
        _("The state registry sent an answer that cannot be read."),
    )
    if not isinstance(answer, dict) or not isinstance(answer.get("suggestions"), list):
        raise malformed
    if not answer["suggestions"]:
        raise _error(
            RegistryNotFound,
            PartnersCode.REGISTRY_NOT_FOUND,
            _("INN %(inn)s is not in the state registry.") % {"inn": inn},
        )
    suggestion = answer["suggestions"][0]
    data = suggestion.get("data") if isinstance(suggestion, dict) else None
    if not isinstance(data, dict):
        raise malformed
    name = data.get("name") if isinstance(data.get("name"), dict) else {}
    address = data.get("address") if isinstance(data.get("address"), dict) else {}
    state = data.get("state") if isinstance(data.get("state"), dict) else {}
    short_name = _text(name.get("short_with_opf")) or _text(suggestion.get("value"))
    full_name = _text(name.get("full_with_opf")) or short_name
    if not short_name:
        raise malformed
    kind = (
        CounterpartyKind.SOLE_PROPRIETOR
        if data.get("type") == "INDIVIDUAL" or len(_text(data.get("inn")) or inn) == 12
        else CounterpartyKind.LEGAL_ENTITY
    )
    return RegistryParty(
        inn=_text(data.get("inn")) or inn,
        kind=kind,
        short_name=short_name[:255],
        full_name=full_name[:500],
        kpp=_text(data.get("kpp")) if kind == CounterpartyKind.LEGAL_ENTITY else "",
        ogrn=_text(data.get("ogrn")),
        legal_address=(_text(address.get("unrestricted_value")) or _text(address.get("value")))[
            :500
        ],
        status=STATUSES.get(_text(state.get("status")).upper(), RegistryStatus.UNKNOWN),
        phones=_contacts(data.get("phones")),
        emails=_contacts(data.get("emails")),
    )


class DaDataProvider:
    """A DaData-compatible findById/party client over httpx."""

    def __init__(self, *, url: str, token: str, timeout: float = 10.0, transport=None):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.transport = transport

    def find_party(self, inn: str, kpp: str = "") -> RegistryParty:
        if not self.token:
            raise _error(
                RegistryNotConfigured,
                PartnersCode.REGISTRY_NOT_CONFIGURED,
                _("The state registry is not set up: set LADOGA_REGISTRY_TOKEN."),
            )
        body = {"query": inn}
        if kpp:
            body["kpp"] = kpp
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(
                    f"{self.url}/findById/party",
                    json=body,
                    headers={
                        "Authorization": f"Token {self.token}",
                        "Accept": "application/json",
                    },
                )
        except httpx.TimeoutException:
            raise _error(
                RegistryTimeout,
                PartnersCode.REGISTRY_TIMEOUT,
                _("The state registry did not answer within %(seconds)g seconds.")
                % {"seconds": self.timeout},
            ) from None
        except httpx.HTTPError as error:
            logger.warning("registry request failed: %s", error)
            raise _error(
                RegistryError,
                PartnersCode.REGISTRY_UNAVAILABLE,
                _("The state registry cannot be reached; try again later."),
            ) from None
        if response.status_code in (401, 403):
            raise _error(
                RegistryError,
                PartnersCode.REGISTRY_TOKEN_REJECTED,
                _("The state registry refused Ladoga's API key (LADOGA_REGISTRY_TOKEN)."),
            )
        if response.status_code == 429:
            raise _error(
                RegistryError,
                PartnersCode.REGISTRY_LIMIT_REACHED,
                _("The state registry's request limit is reached; try again later."),
            )
        if response.status_code != 200:
            logger.warning("registry answered %s: %.200s", response.status_code, response.text)
            raise _error(
                RegistryError,
                PartnersCode.REGISTRY_UNAVAILABLE,
                _("The state registry answered with an error (HTTP %(status)d).")
                % {"status": response.status_code},
            )
        try:
            answer = response.json()
        except ValueError:
            raise _error(
                RegistryError,
                PartnersCode.REGISTRY_ANSWER_MALFORMED,
                _("The state registry sent an answer that cannot be read."),
            ) from None
        return party_parse(answer, inn)


_provider: RegistryProvider | None = None


def provider_set(provider: RegistryProvider | None) -> None:
    """Use `provider` instead of the configured DaData client (None: back to it)."""
    global _provider
    _provider = provider


def provider() -> RegistryProvider:
    if _provider is not None:
        return _provider
    return DaDataProvider(
        url=settings.REGISTRY_URL,
        token=settings.REGISTRY_TOKEN,
        timeout=settings.REGISTRY_TIMEOUT_SECONDS,
    )


def registry_lookup(*, inn: str, kpp: str = "", source: RegistryProvider | None = None):
    """The registry's data for an INN, to fill a counterparty in (P11).

    Raises ValidationFailed (inn_invalid, 422) for an INN that cannot exist, before asking.
    """
    try:
        inn = taxnumbers.inn_check(inn)
    except taxnumbers.TaxNumberInvalid as error:
        raise ValidationFailed.single(PartnersCode.INN_INVALID, error.reason, "inn") from None
    return (source or provider()).find_party(inn, kpp)
