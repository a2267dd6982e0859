"""Take the screenshots of docs/screenshots/ from a fresh demo installation.

    .venv/bin/python scripts/screenshots.py                 # every page, into docs/screenshots
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --only login,dashboard

Fills a throw-away LADOGA_HOME with `ladoga demo`, starts `ladoga serve` on a free port,
signs in as the demo administrator in Debian's chromium (/usr/bin/chromium, or
LADOGA_CHROMIUM) and photographs each page in Russian and in English, then a phone in
Russian. A page that answers an error or shows "soon" stops the script: a picture of a
broken page must not reach the README.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LADOGA = Path(sys.executable).with_name("ladoga")
CHROMIUM = Path(os.environ.get("LADOGA_CHROMIUM", "/usr/bin/chromium"))
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # an address, or "first:<list address>:<pattern>" for the first record's link
    full_page: bool = False


SHOTS = [
    Shot("dashboard", "/"),
    Shot("partners", "/partners/"),
    Shot("partner-card", r"first:/partners/:^/partners/\d+/$"),
    Shot("dossier", r"first:/partners/:^/partners/\d+/$", full_page=False),
    Shot("interactions", "/interactions/"),
    Shot("calendar", "/interactions/calendar/"),
    Shot("deals-board", "/deals/board/"),
    Shot("deal", r"first:/deals/:^/deals/\d+/$"),
    Shot("orders", "/sales/"),
    Shot("order", r"first:/sales/:^/sales/orders/\d+/$"),
    Shot("claims", "/claims/"),
    Shot("reports", "/reports/"),
    Shot("manager-comparison", "/reports/manager-comparison/"),
    Shot("bottlenecks", "/reports/bottlenecks/"),
    Shot("funnel", "/reports/funnel/"),
    Shot("classes", "/analytics/classes/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ladoga(home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "LADOGA_HOME": str(home)}
    env.pop("LADOGA_DATABASE_URL", None)
    return subprocess.run([str(LADOGA), *args], env=env, check=True, **kwargs)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ladoga serve stopped with code {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310 (http only)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"ladoga serve did not answer at {url} within {seconds:.0f} s")


def resolve(page, base: str, shot: Shot) -> str:
    if not shot.path.startswith("first:"):
        return shot.path
    _, listing, pattern = shot.path.split(":", 2)
    page.goto(base + listing)
    wanted = re.compile(pattern)
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)"):
        if wanted.match(href):
            if shot.name == "dossier":
                return f"/analytics/partners/{href.rstrip('/').rsplit('/', 1)[1]}/dossier/"
            return href
    raise SystemExit(f"{shot.name}: no record on {listing} (is the demo filled?)")


def photograph(page, base: str, shot: Shot, path: Path) -> None:
    address = resolve(page, base, shot)
    response = page.goto(base + address)
    if response is None or response.status >= 400:
        status = response.status if response else "no answer"
        raise SystemExit(f"{shot.name}: {address} answered {status}")
    page.wait_for_load_state("networkidle")
    if page.locator("a[href^='/soon/']").count() and shot.name == "reports":
        raise SystemExit("reports: the menu still lists a section as 'soon'")
    page.screenshot(path=path, full_page=shot.full_page, animations="disabled")


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(base + "/")


def take(base: str, username: str, password: str, out: Path, only: set[str] | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    wanted = [shot for shot in SHOTS if not only or shot.name in only]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for language, locale in (("ru", "ru-RU"), ("en", "en-US")):
            context = browser.new_context(viewport=DESKTOP, locale=locale)
            page = context.new_page()
            if not only or "login" in only:
                page.goto(base + "/login/")
                page.get_by_test_id(f"lang-{language}").click()
                page.wait_for_load_state("networkidle")
                written.append(out / f"login-{language}.png")
                page.screenshot(path=written[-1], animations="disabled")
            sign_in(page, base, username, password)
            page.get_by_test_id(f"lang-{language}").click()
            page.wait_for_load_state("networkidle")
            for shot in wanted:
                written.append(out / f"{shot.name}-{language}.png")
                photograph(page, base, shot, written[-1])
            context.close()
        if not only or "mobile" in only:
            context = browser.new_context(
                viewport=PHONE,
                locale="ru-RU",
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            sign_in(page, base, username, password)
            page.get_by_test_id("lang-ru").click()
            page.wait_for_load_state("networkidle")
            written.append(out / "mobile-ru.png")
            page.screenshot(path=written[-1], animations="disabled")
            page.get_by_test_id("nav-toggle").click()
            page.wait_for_timeout(300)  # the drawer slides in
            written.append(out / "mobile-menu-ru.png")
            page.screenshot(path=written[-1], animations="disabled")
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated names (login, mobile, "
        + ", ".join(shot.name for shot in SHOTS)
        + ")",
    )
    parser.add_argument("--size", type=int, default=100, help="demo size")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()} or None
    unknown = (only or set()) - {shot.name for shot in SHOTS} - {"login", "mobile"}
    if unknown:
        parser.error(f"unknown page: {', '.join(sorted(unknown))}")
    if not CHROMIUM.exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="ladoga-screenshots-") as folder:
        home = Path(folder)
        ladoga(home, "migrate", stdout=subprocess.DEVNULL)
        ladoga(home, "demo", "--size", str(args.size), "--quiet")
        password = (home / "demo-admin.txt").read_text().strip()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(LADOGA), "serve", "--port", str(port), "--no-worker"],
            env={**os.environ, "LADOGA_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base, server)
            written = take(base, "admin", password, args.out, only)
        finally:
            server.terminate()
            server.wait(timeout=30)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
