"""P11: the DaData-compatible registry client against a real local HTTP server, and the
counterparty check. The server answers in DaData's documented findById/party format."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ladoga.core.errors import ValidationFailed
from ladoga.partners import services
from ladoga.partners.errors import RegistryError, RegistryNotFound
from ladoga.partners.registry import DaDataProvider, party_parse, provider_set, registry_lookup

from .conftest import inn10, inn12

TOKEN = "secret-token"
SBERBANK = {
    "value": 'ПАО "СБЕРБАНК РОССИИ"',
    "unrestricted_value": 'ПАО "СБЕРБАНК РОССИИ"',
    "data": {
        "kpp": "773601001",
        "branch_type": "MAIN",
        "type": "LEGAL",
        "opf": {"code": "12247", "full": "Публичное акционерное общество", "short": "ПАО"},
        "name": {
            "full_with_opf": 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"',
            "short_with_opf": 'ПАО "СБЕРБАНК РОССИИ"',
            "full": "СБЕРБАНК РОССИИ",
            "short": "СБЕРБАНК РОССИИ",
        },
        "inn": "7707083893",
        "ogrn": "1027700132195",
        "state": {"status": "ACTIVE", "registration_date": 677376000000, "liquidation_date": None},
        "address": {
            "value": "г Москва, ул Вавилова, д 19",
            "unrestricted_value": "117312, г Москва, Академический р-н, ул Вавилова, д 19",
            "data": {},
        },
        "phones": [{"value": "+7 495 500-55-50", "data": {}}],
        "emails": None,
    },
}
LIQUIDATED_INN = inn10(66)
SOLE_PROPRIETOR_INN = inn12(66)


class Registry(BaseHTTPRequestHandler):
    """A stand-in for DaData: what it answers is chosen by the INN asked about."""

    modes: dict[str, str] = {}
    requests: list[dict] = []

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: str | bytes, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)  # the client may have given up waiting (the timeout test)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        Registry.requests.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._send(
                401,
                json.dumps({"family": "CLIENT_ERROR", "reason": "Unauthorized", "message": "?"}),
            )
        if self.path != "/suggestions/api/4_1/rs/findById/party":
            return self._send(404, "{}")
        mode = Registry.modes.get(body.get("query"), "empty")
        if mode == "found":
            return self._send(200, json.dumps({"suggestions": [SBERBANK]}, ensure_ascii=False))
        if mode == "liquidated":
            party = json.loads(json.dumps(SBERBANK))
            party["data"].update(inn=LIQUIDATED_INN, state={"status": "LIQUIDATED"})
            return self._send(200, json.dumps({"suggestions": [party]}))
        if mode == "individual":
            party = {
                "value": "ИП Иванов Иван Иванович",
                "data": {
                    "type": "INDIVIDUAL",
                    "inn": SOLE_PROPRIETOR_INN,
                    "kpp": None,
                    "ogrn": "304500116000157",
                    "name": {"full_with_opf": "Индивидуальный предприниматель Иванов Иван Иванович",
                             "short_with_opf": "ИП Иванов Иван Иванович"},
                    "state": {"status": "ACTIVE"},
                    "address": None,
                },
            }  # fmt: skip
            return self._send(200, json.dumps({"suggestions": [party]}))
        if mode == "forbidden":
            return self._send(403, '{"family":"CLIENT_ERROR","reason":"Forbidden"}')
        if mode == "limit":
            return self._send(429, '{"family":"CLIENT_ERROR","reason":"Too Many Requests"}')
        if mode == "server-error":
            return self._send(500, "Internal Server Error", "text/plain")
        if mode == "not-json":
            return self._send(200, '{"suggestions": [{"value": "ПАО"', "application/json")
        if mode == "wrong-shape":
            return self._send(200, json.dumps({"suggestions": {"data": "nope"}}))
        if mode == "no-data":
            return self._send(200, json.dumps({"suggestions": [{"value": "X", "data": None}]}))
        if mode == "slow":
            time.sleep(1.5)
            return self._send(200, json.dumps({"suggestions": [SBERBANK]}))
        return self._send(200, '{"suggestions": []}')


@pytest.fixture(scope="module")
def registry_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/suggestions/api/4_1/rs"
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(registry_url):
    Registry.modes.clear()
    Registry.requests.clear()
    return DaDataProvider(url=registry_url, token=TOKEN, timeout=0.5)


def test_a_known_inn_is_read_into_plain_data(client):
    Registry.modes["7707083893"] = "found"

    party = client.find_party("7707083893")

    assert party.short_name == 'ПАО "СБЕРБАНК РОССИИ"'
    assert party.full_name == 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'
    assert (party.kind, party.kpp, party.ogrn, party.status) == (
        "legal_entity",
        "773601001",
        "1027700132195",
        "active",
    )
    assert party.legal_address.startswith("117312, г Москва")
    assert party.phones == ["+7 495 500-55-50"]
    assert party.emails == []
    assert Registry.requests == [
        {
            "path": "/suggestions/api/4_1/rs/findById/party",
            "auth": f"Token {TOKEN}",
            "query": "7707083893",
        }
    ]


def test_a_sole_proprietor_has_no_kpp(client):
    Registry.modes[SOLE_PROPRIETOR_INN] = "individual"

    party = client.find_party(SOLE_PROPRIETOR_INN)

    assert (party.kind, party.kpp, party.legal_address) == ("sole_proprietor", "", "")


def test_an_unknown_inn_is_not_found(client):
    with pytest.raises(RegistryNotFound) as error:
        client.find_party(inn10(3))

    assert error.value.codes == ["registry_not_found"]
    assert error.value.status == 404


@pytest.mark.parametrize(
    "mode, code, status",
    [
        ("forbidden", "registry_token_rejected", 502),
        ("limit", "registry_limit_reached", 502),
        ("server-error", "registry_unavailable", 502),
        ("not-json", "registry_answer_malformed", 502),
        ("wrong-shape", "registry_answer_malformed", 502),
        ("no-data", "registry_answer_malformed", 502),
        ("slow", "registry_timeout", 504),
    ],
)
def test_registry_failures_become_clear_errors(client, mode, code, status):
    Registry.modes["7707083893"] = mode

    with pytest.raises(RegistryError) as error:
        client.find_party("7707083893")

    assert error.value.codes == [code]
    assert error.value.status == status


def test_a_bad_token_is_reported(registry_url):
    with pytest.raises(RegistryError) as error:
        DaDataProvider(url=registry_url, token="wrong").find_party("7707083893")

    assert error.value.codes == ["registry_token_rejected"]
    assert "LADOGA_REGISTRY_TOKEN" in error.value.detail


def test_an_unreachable_registry_is_reported():
    with pytest.raises(RegistryError) as error:
        DaDataProvider(url="http://127.0.0.1:9", token=TOKEN, timeout=0.5).find_party("7707083893")

    assert error.value.codes in (["registry_unavailable"], ["registry_timeout"])


def test_no_token_means_not_configured():
    with pytest.raises(RegistryError) as error:
        DaDataProvider(url="http://127.0.0.1:9", token="").find_party("7707083893")

    assert (error.value.codes, error.value.status) == (["registry_not_configured"], 503)


def test_an_impossible_inn_is_refused_before_asking(client):
    with pytest.raises(ValidationFailed) as error:
        registry_lookup(inn="7707083894", source=client)

    assert error.value.codes == ["inn_invalid"]
    assert Registry.requests == []


@pytest.mark.parametrize("answer", [None, [], {"suggestions": None}, {"suggestions": [42]}])
def test_parsing_never_crashes_on_a_strange_answer(answer):
    with pytest.raises(RegistryError):
        party_parse(answer, "7707083893")


@pytest.fixture
def configured(settings, registry_url):
    settings.REGISTRY_URL = registry_url
    settings.REGISTRY_TOKEN = TOKEN
    Registry.modes.clear()
    Registry.requests.clear()
    provider_set(None)


def test_the_check_stores_the_status_and_flags_a_liquidated_counterparty(
    configured, partner, owner
):
    Registry.modes[LIQUIDATED_INN] = "liquidated"
    counterparty = services.counterparty_create(
        partner=partner, short_name="Ликвидированная", inn=LIQUIDATED_INN, by=owner
    )

    checked = services.counterparty_registry_check(counterparty=counterparty, by=owner)

    assert checked.registry_status == "liquidated"
    assert checked.is_flagged
    assert checked.registry_checked_at is not None
    assert (checked.kpp, checked.ogrn) == ("773601001", "1027700132195")
    assert checked.legal_address.startswith("117312")


def test_a_failed_check_stores_nothing(configured, partner, owner):
    Registry.modes[LIQUIDATED_INN] = "not-json"
    counterparty = services.counterparty_create(
        partner=partner, short_name="Кто-то", inn=LIQUIDATED_INN, by=owner
    )

    with pytest.raises(RegistryError) as error:
        services.counterparty_registry_check(counterparty=counterparty, by=owner)

    assert error.value.codes == ["registry_answer_malformed"]
    counterparty.refresh_from_db()
    assert (counterparty.registry_status, counterparty.registry_checked_at) == ("unknown", None)
    assert counterparty.version == 1
