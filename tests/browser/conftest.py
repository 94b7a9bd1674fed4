"""Browser tests: Playwright driving the system's Chromium against a live server.

The server is werkzeug in a thread, on 127.0.0.1, serving a fresh SQLite copy of the
demo network. Playwright cannot download browsers here, so the tests use Debian's
``/usr/bin/chromium`` (or ``SCF_CHROMIUM``); where there is none they are skipped
with a message saying so (CI installs chromium, so there they run).

Every request the page makes to a host other than the live server is aborted and
recorded, and each test fails if there was one: the app must load nothing from the
internet. Screenshots go to ``tests/artifacts/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scf.platform import create_app
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.demo.seed_loader import DEMO_PASSWORD, load_seed
from scf.platform.migrate import upgrade

CHROMIUM = os.environ.get("SCF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "browser tests skipped: the playwright package is not installed"
    if reason is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not Path(CHROMIUM).exists():
        terminalreporter.write_line(
            f"NOTE: browser tests were skipped: no Chromium at {CHROMIUM}", yellow=True
        )


def run_monitoring(database: Database, settings: Settings) -> None:
    """Every monitoring job once for the seed's date, so the alert pages have alerts."""
    from scf.jobs.registry import JOBS
    from scf.jobs.runner import run_job
    from scf.platform.demo.seed_loader import SEED_AS_OF

    def clock() -> dt.datetime:
        return dt.datetime.combine(SEED_AS_OF, dt.time(2, 0), dt.UTC)  # 10:00 in Shanghai

    for job in JOBS:
        assert run_job(database, settings, job.name, clock=clock).status == "succeeded"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from werkzeug.serving import make_server

    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'live.sqlite3'}"
    database = Database(url)
    upgrade(database.engine)
    with database.session() as session:
        load_seed(session)
    settings = Settings.from_env(
        overrides={
            "database_url": url,
            "secret_key": "browser-test-secret-not-for-production",
            "instance_path": folder / "instance",
        }
    )
    run_monitoring(database, settings)
    app = create_app(settings, database=database)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    database.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """A browser tab on the live server, with what went wrong in it."""

    page: object
    base: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> object:
        return self.page.goto(self.base + path)  # type: ignore[attr-defined]

    def log_in(self, username: str) -> None:
        """Log in as ``username``, whoever was logged in before (cookies are cleared)."""
        page = self.page
        page.context.clear_cookies()  # type: ignore[attr-defined]
        self.go("/login")
        page.fill("input[name=username]", username)  # type: ignore[attr-defined]
        page.fill("input[name=password]", DEMO_PASSWORD)  # type: ignore[attr-defined]
        page.click("main form button[type=submit]")  # type: ignore[attr-defined]
        page.wait_for_load_state()  # type: ignore[attr-defined]

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


@pytest.fixture()
def visit(browser: object, live_server: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    here = urlsplit(live_server).netloc
    state = Visit(page, live_server)

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).netloc == here or url.startswith(("data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            state.outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    page.on("console", lambda m: state.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: state.errors.append(str(e)))
    yield state
    context.close()
    assert not state.outside, f"requests left the machine: {state.outside}"
