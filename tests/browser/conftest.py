"""Fixtures for the browser tests in this folder.

* pytest-playwright drives Debian's Chromium (/usr/bin/chromium, or
  $GROUPWORK_CHROMIUM), headless; Playwright's own browser downloads are not used.
  Under pytest-xdist every worker launches its own browser (session fixtures
  are per worker) and pytest-django gives every worker its own live_server and
  test database.
* Every test collected from this folder is marked ``browser``, so
  ``pytest -m "not browser"`` skips the slow ones locally.
* ``assert_accessible(page)`` runs axe-core on the page, limited to WCAG 2.0,
  2.1 and 2.2 level A and AA rules, and fails listing each violation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

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


@pytest.fixture
def assert_accessible() -> AssertAccessible:
    """Return ``check(page, *, context=None)`` that fails on any WCAG A/AA violation.

    ``context`` is an optional CSS selector to check only part of the page.
    """

    def check(page: Page, *, context: str | None = None) -> None:
        options = {
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        }
        results = _axe.run(page, context=context, options=options)
        violations: list[dict[str, Any]] = results.response["violations"]
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)

    return check
