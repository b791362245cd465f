"""Repo-wide pytest hooks.

GROUPWORK_FAIL_ON_SKIP=1 (set by .ci/run) turns any skipped test into a failed
run: in CI a skip usually means a missing browser, database or setting, and a
green run that silently left tests out would hide that. Expected failures
(xfail) are not skips and are unaffected; `xfail_strict` in pyproject.toml
makes an unexpected pass fail.

Every test starts on the demo's today (26 November 2026, 10:00 in London) with the clock
running: the test world's sessions, deadlines and groups are dated around that day, so what a
test sees does not change with the day it runs. A test that needs another moment moves the
clock itself (`time_machine.move_to`).

Hypothesis checks rules, not speed: its per-example deadline and its "too slow to generate"
check are off, so that a busy machine cannot fail a correct rule (speed is measured by the
benchmarks under bench/).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("groupwork", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("groupwork")

TEN_IN_THE_MORNING = datetime.time(10, tzinfo=ZoneInfo("Europe/London"))
_FAIL_ON_SKIP = os.environ.get("GROUPWORK_FAIL_ON_SKIP", "") not in {"", "0", "false", "no"}
_skipped: dict[str, None] = {}  # node ids in report order, without repeats


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Under pytest-xdist the controller receives every worker's reports here.
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped[report.nodeid] = None


def pytest_collectreport(report: pytest.CollectReport) -> None:
    # A module skipped whole (pytest.skip(allow_module_level=True), importorskip).
    if report.skipped:
        _skipped[report.nodeid] = None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _FAIL_ON_SKIP and _skipped:
        terminalreporter.section("GROUPWORK_FAIL_ON_SKIP", red=True)
        terminalreporter.line(f"{len(_skipped)} test(s) skipped; skips fail this run:", red=True)
        for nodeid in _skipped:
            terminalreporter.line(f"  {nodeid}")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _FAIL_ON_SKIP and _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _the_demos_today(time_machine: Any) -> None:
    from groupwork.core.demo import TODAY  # noqa: PLC0415  (needs Django set up)

    time_machine.move_to(datetime.datetime.combine(TODAY, TEN_IN_THE_MORNING), tick=True)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> Iterator[None]:
    """Live-server tests empty the database after each test: put the reference rows back
    before a database test, and let the flush that follows a live-server test clear the
    append-only audit table (the triggers come back before the next test)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    from django.db import connection  # noqa: PLC0415  (Django is set up only by now)

    from groupwork.audit.append_only import install_triggers, remove_triggers  # noqa: PLC0415
    from groupwork.core.reference_data import ensure_reference_data  # noqa: PLC0415

    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    install_triggers(connection)
    ensure_reference_data()
    yield
    if transactional:
        remove_triggers(connection)


@pytest.fixture
def world(db: None) -> Any:
    from groupwork.core.tests.world import build_world  # noqa: PLC0415  (needs Django set up)

    return build_world()
