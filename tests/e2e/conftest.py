"""Browser tests: Playwright's sync API drives Debian's chromium against pytest-django's live
server.

The browser is the system's (/usr/bin/chromium, `apt-get install chromium`), not one that
Playwright downloads, so the tests run offline. Without it the tests are skipped on a
workstation and fail under CI (the CI environment variable), so a CI image that lost its
browser cannot go green silently.

Run them alone with `.venv/bin/pytest -m e2e`; `-m "not e2e"` leaves them out.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ladoga.accounts.roles import Role
from ladoga.accounts.services import department_create, user_create
from ladoga.deals import services
from ladoga.deals.services import StageSpec
from ladoga.partners.services import contact_create, partner_create

CHROMIUM = Path(os.environ.get("LADOGA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}

# Records Content-Security-Policy violations on every page; injected by the browser driver,
# so the policy itself does not block it.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${blocked}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"Browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium "
            "(or point LADOGA_CHROMIUM at it)."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's guard against ORM
    # calls from async code would then refuse the tests' own (synchronous) queries.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists.

    Started before it, the server sees the unconfigured in-memory SQLite database and shares
    this thread's connection with its own thread, and the two threads then crash SQLite."""
    return live_server


@dataclass
class Session:
    """A browser tab on the live server, with what went wrong in it so far."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        return self.page.goto(self.url(path))

    def sign_in(self, username: str = "anna", password: str = PASSWORD) -> None:
        self.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.get_by_test_id("login-submit").click()
        self.page.wait_for_load_state()

    def problems(self) -> list[str]:
        """Console errors and uncaught exceptions since the last call, and the current page's
        CSP violations."""
        errors, self.console_errors = self.console_errors, []
        return [*errors, *self.page.evaluate("window.__cspViolations || []")]


@pytest.fixture
def open_session(browser, live_server, transactional_db):
    """open_session(locale="en-US", viewport=DESKTOP) → a Session in a fresh browser context
    (no cookies), whose Accept-Language is `locale`."""
    contexts = []

    def open_(locale: str = "en-US", viewport: dict | None = None, **options) -> Session:
        context = browser.new_context(locale=locale, viewport=viewport or DESKTOP, **options)
        context.add_init_script(CSP_RECORDER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        session = Session(page=page, base_url=live_server.url)
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and session.console_errors.append(f"console: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: session.console_errors.append(f"error: {error}"))
        return session

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def session(open_session) -> Session:
    return open_session()


@pytest.fixture
def anna(transactional_db):
    """A sales manager who reads the interface in English."""
    return user_create(
        username="anna",
        role=Role.MANAGER,
        password=PASSWORD,
        first_name="Anna",
        last_name="Smirnova",
        department=department_create(name="Sales"),
        language="en",
    )


@pytest.fixture
def pipeline(anna):
    """A strict kind (its second stage needs contacts) and two of Anna's deals in it:
    (kind, a deal without contacts, a deal with one, that contact)."""
    kind = services.deal_kind_create(
        name="E2E sale",
        process_type="strict",
        stages=[
            StageSpec("first", "First", default_probability=10),
            StageSpec("second", "Second", default_probability=50, guards=["deal_contacts_missing"]),
            StageSpec("won", "Won", outcome="won", default_probability=100),
            StageSpec("lost", "Lost", outcome="lost", default_probability=0),
        ],
    )
    client = partner_create(name="Stroymontazh", manager=anna)
    contact = contact_create(partner=client, last_name="Petrov")
    bare = services.deal_create(name="No contacts", partner=client, kind=kind, by=anna)
    ready = services.deal_create(
        name="With contacts", partner=client, kind=kind, by=anna, contacts=[contact]
    )
    return kind, bare, ready, contact
