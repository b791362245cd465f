"""Fixtures for the browser tests in this folder.

* pytest-playwright drives Debian's Chromium (/usr/bin/chromium, or
  $GROUPWORK_CHROMIUM), headless; Playwright's own browser downloads are not used.
  Under pytest-xdist every worker launches its own browser (session fixtures
  are per worker) and pytest-django gives every worker its own live_server and
  test database.
* Every test collected from this folder is marked ``browser``, so
  ``pytest -m "not browser"`` skips the slow ones locally.
* ``assert_accessible(page)`` runs axe-core on the page, limited to WCAG 2.0,
  2.1 and 2.2 level A and AA rules, and fails listing each violation. It works on
  pages in a context with JavaScript switched off too.
* ``sign_in(username)`` signs the test's ``page`` in through the real sign-in
  page (axe-checking it on the way). Users built by the factories share one
  password, ``helpers.PASSWORD``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Protocol

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.helpers import PASSWORD

# Playwright's sync API runs an event loop in the test thread; without this
# Django refuses ORM calls from that thread (SynchronousOnlyOperation) when a
# test uses both `page` and the database / live_server. It must be set before
# Django first checks it, so at import time of this conftest.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("GROUPWORK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in CI containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# axe-core tags for WCAG 2.0, 2.1 and 2.2 levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_HERE = Path(__file__).resolve().parent
_axe = Axe()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest's collection hook sees every item in the session, so filter by path.
    for item in items:
        if _HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium headless (``--headed`` still works locally)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run `make chromium`", pytrace=False)
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


class AssertAccessible(Protocol):
    def __call__(self, page: Page, *, context: str | None = None) -> None: ...


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """One block per axe rule broken: rule id, impact, summary, and each target."""
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.2 A/AA) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact') or 'n/a'}]: "
            f"{violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            # A target is a list of selectors; more than one means iframes/shadow DOM.
            target = " >> ".join(
                sel if isinstance(sel, str) else " ".join(sel) for sel in node["target"]
            )
            lines.append(f"    {target}")
    return "\n".join(lines)


def _scripts_ran(page: Page) -> bool:
    """base.html's inline script marks <body> with ``js-enabled``, as GOV.UK Frontend expects."""
    return bool(page.evaluate("() => document.body.classList.contains('js-enabled')"))


def _run_axe(page: Page, context: str | None) -> list[dict[str, Any]]:
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
    }
    violations: list[dict[str, Any]] = _axe.run(page, context=context, options=options).response[
        "violations"
    ]
    return violations


def _run_axe_on_scriptless_page(page: Page, context: str | None) -> list[dict[str, Any]]:
    """axe needs timers, which never fire in a context with JavaScript switched off (the
    evaluate hangs). So serve this page's HTML, less its <script> elements, at the same URL
    in a fresh context with JavaScript on, and check that: the same DOM and stylesheets."""
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.DOTALL | re.IGNORECASE)
    browser = page.context.browser
    assert browser is not None
    copy_context = browser.new_context(viewport=page.viewport_size)
    try:
        copy = copy_context.new_page()
        url = page.url
        copy.route(
            lambda requested: requested == url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        copy.goto(url)
        return _run_axe(copy, context)
    finally:
        copy_context.close()


@pytest.fixture
def assert_accessible() -> AssertAccessible:
    """Return ``check(page, *, context=None)`` that fails on any WCAG A/AA violation.

    ``context`` is an optional CSS selector to check only part of the page. A page whose
    scripts did not run (a context with ``java_script_enabled=False``) is checked through a
    copy of its HTML, scripts removed, in a context where axe can run: see
    ``_run_axe_on_scriptless_page``. (A page without base.html's ``js-enabled`` marker goes
    that way too; the check is the same, only slower.)
    """

    def check(page: Page, *, context: str | None = None) -> None:
        # A click on a link starts a navigation without waiting for it: check the page
        # it leads to once that page has loaded, not a document still without a body.
        page.wait_for_load_state("load")
        if _scripts_ran(page):
            violations = _run_axe(page, context)
        else:
            violations = _run_axe_on_scriptless_page(page, context)
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)

    return check


class SignIn(Protocol):
    def __call__(self, username: str, password: str = PASSWORD) -> None: ...


@pytest.fixture
def sign_in(page: Page, live_server: Any, assert_accessible: AssertAccessible) -> SignIn:
    """Return ``sign_in(username)``: signs ``page`` in through the real sign-in page.

    Checks the sign-in page with axe on the way and waits until the browser has left it.
    """

    def do(username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/sign-in/")
        expect(page).to_have_title("Sign in – Groupwork")
        assert_accessible(page)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/sign-in/"))

    return do
