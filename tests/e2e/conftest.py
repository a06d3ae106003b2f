"""End-to-end journeys in Debian's Chromium, driven by Playwright (no browser download).

The browser is started with the machine's own /usr/bin/chromium. Outside CI a missing
Chromium skips these tests with a reason; in CI (CI=true) it fails them.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required for end-to-end tests in CI; not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running in this thread, and
    # Django then keeps database connections per async context instead of per thread: the
    # tests would get new connection objects, and serialized rollback (which reads the start
    # state from the connection that created the test database) would restore nothing.
    # Handing the thread's connections over, as Django's live server thread does, keeps one
    # connection per database for the whole run.
    thread_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    # Let the live server finish any request the closed page had started, so that nothing
    # writes after the test's flush (the next test restores the start state over it): a
    # moment for the last connections to be accepted, then each request's thread is waited
    # for (rather than a fixed second: 25 journeys waited 25 s for mostly nothing).
    time.sleep(0.1)
    for thread in list(vars(live_server.thread.httpd).get("_threads", ())):
        thread.join(timeout=10)


def screenshot(page, name: str) -> Path:
    """Saves a full-page screenshot under test-artifacts/screenshots for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
