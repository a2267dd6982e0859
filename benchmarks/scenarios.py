"""Timed scenarios for benchmarks/run.py: a function each, registered in SCENARIOS.

A scenario function makes ONE request through `bench` (the harness calls it over a single
keep-alive connection, first to warm up, then `--runs` times with a clock around each call)
and checks the answer, so a broken page cannot pass for a fast one.

A floor, where one exists, builds a function that does the least work the same answer
needs, straight through the database driver (no HTTP, no Django). It is timed the same
number of times; the table shows the scenario's median as a multiple of the floor's, which
is what the web stack (server, middleware, auth, ORM, JSON) adds on top of the bare SQL.

To add a scenario: write `def my_case(bench) -> None`, optionally a floor
`def my_case_floor(bench) -> Callable[[], object]`, and register both in SCENARIOS.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from bench import Bench


@dataclass(frozen=True)
class Scenario:
    run: Callable[[Bench], None]
    floor: Callable[[Bench], Callable[[], object]] | None = None
    description: str = ""


def api_me(bench: Bench) -> None:
    body = bench.get("/api/v1/me", headers={"Authorization": f"Bearer {bench.token}"})
    if b'"username": "admin"' not in body:
        raise AssertionError(f"/api/v1/me did not answer with the admin user: {body[:200]!r}")


def api_me_floor(bench: Bench) -> Callable[[], object]:
    """What /api/v1/me needs at least: hash the token, one query for the token and its user."""
    query = bench.driver_query(
        "SELECT u.* FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    token = bench.token

    def floor() -> object:
        row = query(hashlib.sha256(token.encode()).hexdigest())
        if not row:
            raise AssertionError("the floor query found no user for the token")
        return row

    return floor


def login_page(bench: Bench) -> None:
    body = bench.get("/login/")
    if b'name="username"' not in body:
        raise AssertionError("/login/ did not render the sign-in form")


# The start of every preparation script (run by _prepare): Django set up, and a way to sign
# a user in (a session key the benchmark sends as its cookie).
_SETUP = """
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from ladoga.accounts.models import User
def session_of(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
"""


# --- Claims (C5) and the client portal (C4) ---------------------------------------------
# The reports are timed over 100,000 claims: the first claims scenario tops the demo's
# claims up once (ladoga.claims.demo.demo_claims_bulk, in a separate process, during the
# untimed warm-up) and opens a session for the demo portal user "client".
CLAIMS_TOTAL = 100_000
_claims: dict = {}
_CLAIMS_PREPARE = (
    _SETUP
    + """
import sys
from ladoga.claims.demo import demo_claims_bulk
from ladoga.claims.models import Claim
from ladoga.portal.models import PortalAccount
demo_claims_bulk(count=max(0, int(sys.argv[1]) - Claim.objects.count()))
account = PortalAccount.objects.select_related("user").order_by("pk").first()
print("PORTAL", session_of(account.user), account.partner_id)
"""
)


def _prepare(bench: Bench, what: str, script: str, *args: str) -> str:
    """Run a preparation `script` against the benchmark's installation in a separate
    Python process; its standard output."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("LADOGA_")}
    env |= {
        "LADOGA_HOME": str(bench.home),
        "LADOGA_DATABASE_URL": bench.database_url,
        "DJANGO_SETTINGS_MODULE": "ladoga.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"{what} failed:\n{done.stderr}")
    # The preparation may outlast the server's keep-alive: start a fresh connection.
    bench._http.close()
    return done.stdout


def _claims_prepare(bench: Bench) -> dict:
    if not _claims:
        out = _prepare(bench, "preparing 100,000 claims", _CLAIMS_PREPARE, str(CLAIMS_TOTAL))
        _marker, session, partner = out.split()[-3:]
        _claims.update(session=session, partner=int(partner))
    return _claims


def _period() -> tuple[str, str]:
    """The reports' default period: the last twelve months, this one included."""
    import datetime

    today = datetime.date.today()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return start.isoformat(), today.isoformat()


def _report(bench: Bench, name: str, needle: bytes) -> None:
    _claims_prepare(bench)
    body = bench.get(f"/api/v1/reports/{name}", headers={"Authorization": f"Bearer {bench.token}"})
    if needle not in body:
        raise AssertionError(f"/api/v1/reports/{name} did not answer a report: {body[:200]!r}")


def claims_dynamics(bench: Bench) -> None:
    _report(bench, "claims-dynamics", b'"totals"')


def claims_dynamics_floor(bench: Bench) -> Callable[[], object]:
    """Claims open when the period starts, and registered and resolved per day and
    department in it: the three GROUP BY queries the report needs."""
    opening = bench.driver_query(
        "SELECT culprit_department_id, COUNT(*) FROM claims_claim WHERE date < %s "
        "AND (resolved_on IS NULL OR resolved_on >= %s) GROUP BY 1"
    )
    registered = bench.driver_query(
        "SELECT date, culprit_department_id, COUNT(*) FROM claims_claim "
        "WHERE date >= %s AND date <= %s GROUP BY 1, 2"
    )
    resolved = bench.driver_query(
        "SELECT resolved_on, culprit_department_id, COUNT(*) FROM claims_claim "
        "WHERE resolved_on >= %s AND resolved_on <= %s GROUP BY 1, 2"
    )
    start, end = _period()

    def floor() -> object:
        return opening(start, start), registered(start, end), resolved(start, end)

    return floor


def claims_satisfaction(bench: Bench) -> None:
    _report(bench, "claims-satisfaction", b'"satisfied_share"')


def claims_satisfaction_floor(bench: Bench) -> Callable[[], object]:
    query = bench.driver_query(
        "SELECT reason_id, SUM(CASE WHEN resolution = 'satisfied' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN resolution = 'partly' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN resolution = 'rejected' THEN 1 ELSE 0 END) FROM claims_claim "
        "WHERE resolved_on >= %s AND resolved_on <= %s AND resolution <> '' GROUP BY 1"
    )
    start, end = _period()
    return lambda: query(start, end)


def claims_structure(bench: Bench) -> None:
    _report(bench, "claims-structure", b'"cells"')


def claims_structure_floor(bench: Bench) -> Callable[[], object]:
    query = bench.driver_query(
        "SELECT culprit_department_id, reason_id, COUNT(*) FROM claims_claim "
        "WHERE date >= %s AND date <= %s GROUP BY 1, 2"
    )
    start, end = _period()
    return lambda: query(start, end)


def portal_claims(bench: Bench) -> None:
    prepared = _claims_prepare(bench)
    body = bench.get("/portal/", headers={"Cookie": f"sessionid={prepared['session']}"})
    if b'data-testid="portal-claims"' not in body:
        raise AssertionError(f"/portal/ did not list the client's claims: {body[:200]!r}")


def portal_claims_floor(bench: Bench) -> Callable[[], object]:
    """The session, the user and its partner, then one page of the partner's claims with
    their public comment counts, and the count for the pager."""
    prepared = _claims_prepare(bench)
    session = bench.driver_query(
        "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"
    )
    account = bench.driver_query(
        "SELECT u.*, a.partner_id FROM accounts_user u JOIN portal_portalaccount a "
        "ON a.user_id = u.id WHERE u.id = (SELECT user_id FROM portal_portalaccount "
        "WHERE partner_id = %s ORDER BY id LIMIT 1)"
    )
    page = bench.driver_query(
        "SELECT c.id, c.number, c.date, c.status, c.resolution, c.essence, "
        "(SELECT COUNT(*) FROM claims_claimcomment m WHERE m.claim_id = c.id AND m.is_public) "
        "FROM claims_claim c WHERE c.partner_id = %s ORDER BY c.date DESC, c.id DESC LIMIT 20"
    )
    count = bench.driver_query("SELECT COUNT(*) FROM claims_claim WHERE partner_id = %s")
    partner, key = prepared["partner"], prepared["session"]

    def floor() -> object:
        import datetime

        return (
            session(key, datetime.datetime.now(datetime.UTC).isoformat(" ")),
            account(partner),
            page(partner),
            count(partner),
        )

    return floor


# --- Deals (D3, D9, A1, kanban) ---------------------------------------------------------
# Timed over the "Benchmark sale" kind: 200,000 deals with about a million stage moves, of
# which 5,000 are open (ladoga manage deals_bench_data, in a separate process, during the
# first scenario's untimed warm-up), plus a session for the demo administrator (the board
# is a page, not an API call).
# LADOGA_BENCH_DEALS makes a smaller dataset for a quick look.
DEALS_TOTAL = int(__import__("os").environ.get("LADOGA_BENCH_DEALS", "200000"))
DEALS_OPEN = min(5_000, DEALS_TOTAL // 10)
_deals: dict = {}
_DEALS_PREPARE = (
    _SETUP
    + """
import io, sys
from django.core.management import call_command
out = io.StringIO()
call_command("deals_bench_data", "--deals", sys.argv[1], "--open", sys.argv[2], stdout=out)
print("DEALS", session_of(User.objects.get(username="admin")), out.getvalue().strip())
"""
)


def _deals_prepare(bench: Bench) -> dict:
    if not _deals:
        import json
        import sys

        out = _prepare(
            bench, "preparing the deals dataset", _DEALS_PREPARE, str(DEALS_TOTAL), str(DEALS_OPEN)
        )
        line = next(x for x in out.splitlines() if x.startswith("DEALS "))
        _marker, session, data = line.split(" ", 2)
        _deals.update(json.loads(data), session=session, turn=0)
        print(f"deals dataset: {data}", file=sys.stderr)
    return _deals


def _post(bench: Bench, path: str, body: dict, headers: dict) -> bytes:
    import json

    bench._http.request(
        "POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers}
    )
    response = bench._http.getresponse()
    answer = response.read()
    if response.status != 200:
        raise AssertionError(f"POST {path}: {response.status}: {answer[:300]!r}")
    if response.will_close:
        bench.reconnects += 1
        bench._http.close()
    return answer


def deal_move(bench: Bench) -> None:
    """Move one deal back and forth between "client classified" and "needs": the guards of
    the stage (an active agreement; contact persons), the history row, the reached stage
    and the stage's task each time."""
    data = _deals_prepare(bench)
    stage = data["move_stages"][data["turn"] % 2]
    data["turn"] += 1
    body = _post(
        bench,
        f"/api/v1/deals/{data['move_deal']}/move",
        {"stage": stage},
        {"Authorization": f"Bearer {bench.token}"},
    )
    if f'"stage_id": {stage}'.encode() not in body:
        raise AssertionError(f"the deal did not move: {body[:300]!r}")


def deal_board(bench: Bench) -> None:
    data = _deals_prepare(bench)
    body = bench.get(
        f"/deals/board/{data['kind']}/", headers={"Cookie": f"sessionid={data['session']}"}
    )
    if body.count(b'data-testid="deal-card"') < 100:
        raise AssertionError(f"the board showed too few cards: {body[:300]!r}")


def deal_board_floor(bench: Bench) -> Callable[[], object]:
    """The open deals' count and amount per stage, then each open stage's first 30 cards
    with their client and manager."""
    data = _deals_prepare(bench)
    totals = bench.driver_query(
        "SELECT stage_id, COUNT(*), SUM(amount) FROM deals_deal "
        "WHERE kind_id = %s AND status = 'in_progress' GROUP BY stage_id"
    )
    stages = [
        row[0]
        for row in bench.driver_query(
            "SELECT id FROM deals_stage WHERE kind_id = %s AND outcome = 'open' ORDER BY position"
        )(data["kind"])
    ]
    cards = bench.driver_query(
        "SELECT d.id, d.name, d.amount, d.currency, d.expected_close_date, p.name, u.first_name, "
        "u.last_name FROM deals_deal d JOIN partners_partner p ON p.id = d.partner_id "
        "JOIN accounts_user u ON u.id = d.manager_id WHERE d.kind_id = %s "
        "AND d.status = 'in_progress' AND d.stage_id = %s "
        "ORDER BY d.expected_close_date, d.amount DESC, d.id LIMIT 30"
    )
    kind = data["kind"]
    return lambda: (totals(kind), [cards(kind, stage) for stage in stages])


FUNNEL_QUERY = "/api/v1/reports/funnel?kind={kind}&date_from=2000-01-01&date_to=2100-12-31"


def deal_funnel(bench: Bench) -> None:
    data = _deals_prepare(bench)
    body = bench.get(
        FUNNEL_QUERY.format(kind=data["kind"]), headers={"Authorization": f"Bearer {bench.token}"}
    )
    if b'"reached"' not in body:
        raise AssertionError(f"the funnel did not answer: {body[:300]!r}")


def deal_funnel_floor(bench: Bench) -> Callable[[], object]:
    """The same figures in one hand-written query over the raw facts (the stages each deal
    reached, and the deals): deals and amounts that reached each stage, and the losses per
    stage and reason. The report reads running totals instead (deals/funnel.py), so it can
    beat this floor; `deal_funnel_cells` compares it with the same totals read by hand."""
    import datetime

    data = _deals_prepare(bench)
    query = bench.driver_query(
        "SELECT 'reached', r.stage_id, NULL, COUNT(*), SUM(d.amount) FROM deals_stagereach r "
        "JOIN deals_deal d ON d.id = r.deal_id WHERE d.kind_id = %s AND d.currency = 'RUB' "
        "AND d.opened_on >= %s AND d.opened_on <= %s GROUP BY r.stage_id "
        "UNION ALL "
        "SELECT 'lost', d.lost_at_stage_id, d.loss_reason_id, COUNT(*), SUM(d.amount) "
        "FROM deals_deal d WHERE d.kind_id = %s AND d.currency = 'RUB' AND d.opened_on >= %s "
        "AND d.opened_on <= %s AND d.status = 'lost' GROUP BY d.lost_at_stage_id, d.loss_reason_id"
    )
    start, end = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
    kind = data["kind"]
    return lambda: query(kind, start, end, kind, start, end)


def deal_funnel_cells_floor(bench: Bench) -> Callable[[], object]:
    """The funnel's own query written by hand: one aggregate over the running totals."""
    import datetime

    data = _deals_prepare(bench)
    query = bench.driver_query(
        "SELECT measure, stage_id, reason_id, SUM(deals), SUM(amount) FROM deals_funnelcell "
        "WHERE kind_id = %s AND currency = 'RUB' AND day >= %s AND day <= %s "
        "GROUP BY measure, stage_id, reason_id"
    )
    start, end = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
    kind = data["kind"]
    return lambda: query(kind, start, end)


# --- Partners (issue "Partners and master data", speed) ------------------------------------
# Timed over the demo's partners (`--size 100000`: 100,000 partners, about 300,000 contact
# persons; `--demo-steps people,partners` is enough). The first partners scenario picks its
# data from the database the demo built (in a separate process, during the untimed warm-up)
# and opens a session for the demo administrator (the card is a page, not an API call):
# - a search term: the first five letters, lower-case, of a one-word company name, as a
#   user would type it ("байка" for «Байкалснаб»), so that SQLite's Latin-only case
#   folding cannot pass for a search;
# - the partner with the most contact persons (its card);
# - a partner with its own phone and an INN (the name + phone check);
# - a one-word company name with two letters swapped (the name-only check).
_partners: dict = {}
_PARTNERS_PREPARE = (
    _SETUP
    + r"""
import json, re
from django.db.models import Count
from ladoga.partners.duplicates import CANDIDATE_CAP
from ladoga.partners.models import ContactInfo, ContactPerson, Counterparty, Partner
session_key = session_of(User.objects.get(username="admin"))
total = Partner.objects.count()
middle = Partner.objects.order_by("pk").values_list("pk", flat=True)[total // 2]
companies = Partner.objects.filter(pk__gte=middle, name__startswith="ООО «").order_by("pk")
word = re.compile(r"^ООО «([А-ЯЁ][а-яё]{6,})»$")
one_word = next(p for p in companies.iterator() if word.match(p.name))
root = word.match(one_word.name).group(1)
term = root[:5].lower()
typo = root[:3] + root[4] + root[3] + root[5:]
busiest = (
    ContactPerson.objects.values("partner_id").annotate(n=Count("id")).order_by("-n", "partner_id")
)[0]
card = Partner.objects.get(pk=busiest["partner_id"])
inns = Counterparty.objects.filter(partner=card).exclude(inn="").values_list("inn", flat=True)
inn = inns.first()
phoned = (
    ContactInfo.objects.filter(
        partner__pk__gte=middle, kind="phone", contact=None, counterparty=None,
        partner__counterparties__inn__regex=r"^[0-9]{10}$",
    )
    .select_related("partner")
    .order_by("partner_id")
    .first()
)
print("PARTNERS " + json.dumps({
    "session": session_key,
    "partners": total,
    "contacts": ContactPerson.objects.count(),
    "term": term,
    "card": card.pk, "card_name": card.name, "card_contacts": busiest["n"], "card_inn": inn,
    "phone_partner": phoned.partner_id, "phone_name": phoned.partner.name,
    "phone": phoned.value, "phone_key": phoned.key,
    "typo_source": one_word.name, "typo": f"ООО «{typo}»",
    "candidate_cap": CANDIDATE_CAP,
}, ensure_ascii=False))
"""
)


def _partners_prepare(bench: Bench) -> dict:
    if not _partners:
        import json
        import sys

        out = _prepare(bench, "picking the partners' benchmark data", _PARTNERS_PREPARE)
        line = next(x for x in out.splitlines() if x.startswith("PARTNERS "))
        _partners.update(json.loads(line.removeprefix("PARTNERS ")))
        print(f"partners data: {line.removeprefix('PARTNERS ')}", file=sys.stderr)
    return _partners


def _api_json(bench: Bench, path: str):
    import json

    return json.loads(bench.get(path, headers={"Authorization": f"Bearer {bench.token}"}))


def _folded(text: str) -> str:
    from ladoga.partners.keys import name_key

    return name_key(text)


def partner_list_search(bench: Bench) -> None:
    from urllib.parse import quote

    data = _partners_prepare(bench)
    page = _api_json(bench, f"/api/v1/partners?limit=50&q={quote(data['term'])}")
    items, term = page["items"], data["term"]
    if not items or len(items) != min(50, page["count"]):
        raise AssertionError(f"the search for {term!r} found {page['count']}: {items[:2]!r}")
    key = _folded(term)
    for item in items:
        if term not in item["name"].lower() and key not in _folded(item["name"]):
            raise AssertionError(f"{item['name']!r} does not match {term!r}")


def partner_list_search_floor(bench: Bench) -> Callable[[], object]:
    """The page (the API's columns) and the count, straight from the tables, searched as
    queries.name_search_q does on each database: on PostgreSQL the name or the normalised
    name contains the term (trigram indexes); on SQLite the normalised name contains it
    and a word of the name begins or ends with it (PartnerNameKey)."""
    from ladoga.partners.keys import name_search_keys

    data = _partners_prepare(bench)
    term, key = data["term"], _folded(data["term"])
    columns = (
        "id, name, kind, is_client, is_supplier, is_competitor, is_carrier, is_other, "
        "is_potential_client, group_id, manager_id, status, comment, merged_into_id, version, "
        "created_at, updated_at"
    )
    if bench.database_url.startswith("sqlite"):
        words = sorted(name_search_keys(term))
        marks = ", ".join(["%s"] * len(words))
        where = (
            f"id IN (SELECT partner_id FROM partners_partnernamekey WHERE key IN ({marks})) "  # noqa: S608
            "AND name_key LIKE %s"
        )
        params = (*words, f"%{key}%")
    else:
        where = "(UPPER(name) LIKE UPPER(%s) OR name_key LIKE %s)"
        params = (f"%{term}%", f"%{key}%")
    page = bench.driver_query(
        f"SELECT {columns} FROM partners_partner WHERE {where} ORDER BY name, id LIMIT 50"  # noqa: S608
    )
    count = bench.driver_query(f"SELECT COUNT(*) FROM partners_partner WHERE {where}")  # noqa: S608
    return lambda: (page(*params), count(*params))


def partner_card(bench: Bench) -> None:
    import html

    data = _partners_prepare(bench)
    body = bench.get(
        f"/partners/{data['card']}/", headers={"Cookie": f"sessionid={data['session']}"}
    ).decode()
    if 'data-testid="tab-requisites"' not in body or html.escape(data["card_name"]) not in body:
        raise AssertionError(f"the card of partner {data['card']} did not show: {body[:300]!r}")
    if data["card_inn"] and data["card_inn"] not in body:
        raise AssertionError(f"the card did not show the INN {data['card_inn']}")


def partner_card_contacts(bench: Bench) -> None:
    data = _partners_prepare(bench)
    body = bench.get(
        f"/partners/{data['card']}/?tab=contacts",
        headers={"Cookie": f"sessionid={data['session']}"},
    ).decode()
    if 'data-testid="tab-contacts"' not in body:
        raise AssertionError(f"the contacts tab did not show: {body[:300]!r}")


def _duplicates(bench: Bench, **params) -> list:
    from urllib.parse import urlencode

    return _api_json(bench, "/api/v1/partners/duplicates?" + urlencode(params))


def partner_duplicates_phone(bench: Bench) -> None:
    data = _partners_prepare(bench)
    found = _duplicates(bench, name=data["phone_name"], phone=data["phone"])
    mine = next((c for c in found if c["partner_id"] == data["phone_partner"]), None)
    codes = {r["code"] for r in mine["reasons"]} if mine else set()
    if not {"phone", "name"} <= codes:
        raise AssertionError(f"the check missed partner {data['phone_partner']}: {found[:2]!r}")


def partner_duplicates_typo(bench: Bench) -> None:
    data = _partners_prepare(bench)
    found = _duplicates(bench, name=data["typo"])
    wanted = _folded(data["typo_source"])
    if not any(_folded(c["name"]) == wanted for c in found):
        raise AssertionError(f"{data['typo']!r} did not find {data['typo_source']!r}: {found!r}")


def partner_duplicates_floor(bench: Bench) -> Callable[[], object]:
    """The name + phone check's reads: the partners with the phone, and the normalised
    names of the (at most CANDIDATE_CAP) partners sharing the most name keys."""
    from ladoga.partners.keys import name_search_keys

    data = _partners_prepare(bench)
    phone = bench.driver_query(
        "SELECT i.partner_id, i.key FROM partners_contactinfo i JOIN partners_partner p "
        "ON p.id = i.partner_id WHERE i.kind = 'phone' AND i.key = %s AND p.status = 'active'"
    )
    words = sorted(name_search_keys(data["phone_name"]))
    marks = ", ".join(["%s"] * len(words))
    nearest = bench.driver_query(
        "SELECT id, name_key FROM partners_partner WHERE status = 'active' AND id IN ("  # noqa: S608
        f"SELECT partner_id FROM partners_partnernamekey WHERE key IN ({marks}) "
        f"GROUP BY partner_id ORDER BY COUNT(*) DESC, partner_id LIMIT {data['candidate_cap']:d})"
    )
    key = data["phone_key"]
    return lambda: (phone(key), nearest(*words))


# --- The generic reports (A12) -------------------------------------------------------
# Over the demo's shipments: the generic API and the generic page of revenue by partner
# for the last year (the report's default period), as the administrator.
_reports: dict = {}
_REPORTS_PREPARE = (
    _SETUP
    + """
print("REPORTS", session_of(User.objects.get(username="admin")))
"""
)


def _year() -> tuple[str, str]:
    import datetime

    today = datetime.date.today()
    return (today - datetime.timedelta(days=364)).isoformat(), today.isoformat()


def report_revenue_api(bench: "Bench") -> None:
    body = bench.get(
        "/api/v1/reports/revenue-by-partner", headers={"Authorization": f"Bearer {bench.token}"}
    )
    if b'"totals"' not in body:
        raise AssertionError(f"the generic report API did not answer: {body[:200]!r}")


def report_revenue_page(bench: "Bench") -> None:
    if not _reports:
        out = _prepare(bench, "opening a session", _REPORTS_PREPARE)
        _reports["session"] = out.split()[-1]
    body = bench.get(
        "/reports/revenue-by-partner/", headers={"Cookie": f"sessionid={_reports['session']}"}
    )
    if b'data-testid="report-filters"' not in body:
        raise AssertionError(f"the generic report page did not render: {body[:200]!r}")


def report_revenue_floor(bench: "Bench") -> Callable[[], object]:
    """Revenue per partner over the period's shipments and the partners' names: the two
    queries the report needs."""
    totals = bench.driver_query(
        "SELECT partner_id, SUM(total), SUM(vat_total), COUNT(*) FROM sales_shipment "
        "WHERE date >= %s AND date <= %s GROUP BY 1 ORDER BY 2 DESC, 1"
    )
    names = bench.driver_query("SELECT id, name FROM partners_partner WHERE id IN (%s)")
    start, end = _year()

    def floor() -> object:
        rows = totals(start, end)
        return rows, names(rows[0][0] if rows else 0)

    return floor


SCENARIOS: dict[str, Scenario] = {
    "api_me": Scenario(
        api_me, floor=api_me_floor, description="GET /api/v1/me with a bearer token"
    ),
    "login_page": Scenario(login_page, description="GET /login/, anonymous"),
    "claims_dynamics": Scenario(
        claims_dynamics,
        floor=claims_dynamics_floor,
        description="GET /api/v1/reports/claims-dynamics over 100,000 claims",
    ),
    "claims_satisfaction": Scenario(
        claims_satisfaction,
        floor=claims_satisfaction_floor,
        description="GET /api/v1/reports/claims-satisfaction over 100,000 claims",
    ),
    "claims_structure": Scenario(
        claims_structure,
        floor=claims_structure_floor,
        description="GET /api/v1/reports/claims-structure over 100,000 claims",
    ),
    "portal_claims": Scenario(
        portal_claims,
        floor=portal_claims_floor,
        description="GET /portal/ (a client's claim list) with 100,000 claims in all",
    ),
    "deal_move": Scenario(
        deal_move,
        description="POST /api/v1/deals/{id}/move: guards, history, stage tasks (strict kind)",
    ),
    "deal_board": Scenario(
        deal_board,
        floor=deal_board_floor,
        description="GET /deals/board/{kind}/: the pipeline of a kind with 5,000 open deals",
    ),
    "deal_funnel": Scenario(
        deal_funnel,
        floor=deal_funnel_floor,
        description="GET /api/v1/reports/funnel over 200,000 deals and ~1,000,000 stage moves",
    ),
    "deal_funnel_cells": Scenario(
        deal_funnel,
        floor=deal_funnel_cells_floor,
        description="the same funnel, its floor the same running totals read by hand",
    ),
    "partner_list_search": Scenario(
        partner_list_search,
        floor=partner_list_search_floor,
        description="GET /api/v1/partners?limit=50&q=<six lower-case letters of a name>",
    ),
    "partner_card": Scenario(
        partner_card,
        description="GET /partners/{id}/: the card (requisites tab) of the partner with the "
        "most contact persons",
    ),
    "partner_card_contacts": Scenario(
        partner_card_contacts,
        description="GET /partners/{id}/?tab=contacts: the same card, its contact persons",
    ),
    "partner_duplicates_phone": Scenario(
        partner_duplicates_phone,
        floor=partner_duplicates_floor,
        description="GET /api/v1/partners/duplicates?name=&phone= of an existing partner",
    ),
    "partner_duplicates_typo": Scenario(
        partner_duplicates_typo,
        description="GET /api/v1/partners/duplicates?name= a company name with two letters swapped",
    ),
    "report_revenue_api": Scenario(
        report_revenue_api,
        floor=report_revenue_floor,
        description="GET /api/v1/reports/revenue-by-partner (generic report API), demo data",
    ),
    "report_revenue_page": Scenario(
        report_revenue_page,
        floor=report_revenue_floor,
        description="GET /reports/revenue-by-partner/ (generic page: filters, chart, table)",
    ),
}
