"""Scheduled jobs run once at a time, however many servers start them."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from groupwork.core.jobs import exclusive_job, lock_key
from groupwork.core.tests.world import build_world
from groupwork.tasks.daily import raise_due_tasks
from groupwork.tasks.models import Task

# Threads need their own connections, which see only committed data: a transactional database
# (the root conftest lifts the audit log's triggers for its flush).
pytestmark = pytest.mark.usefixtures("transactional_db")


@contextmanager
def held_elsewhere(name: str) -> Iterator[bool]:
    """Another server: a thread with its own database connection holds the job's lock."""
    taken, release = threading.Event(), threading.Event()
    result: dict[str, bool] = {}

    def hold() -> None:
        try:
            with exclusive_job(name) as held:
                result["held"] = held
                taken.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(timeout=30)
    try:
        yield result["held"]
    finally:
        release.set()
        thread.join(timeout=30)


def test_a_second_run_finds_the_job_taken_until_the_first_ends() -> None:
    with held_elsewhere("daily") as first:
        assert first is True
        with exclusive_job("daily") as second:
            assert second is False
    with exclusive_job("daily") as after:
        assert after is True


def test_different_jobs_do_not_block_each_other() -> None:
    with held_elsewhere("daily"), exclusive_job("send_messages") as other:
        assert other is True


def test_the_daily_run_does_nothing_while_another_is_running() -> None:
    out = StringIO()
    with held_elsewhere("daily"):
        call_command("daily", "--date", "2026-12-16", stdout=out)
    assert "Another daily run is going on" in out.getvalue()
    assert "tasks raised" not in out.getvalue()
    after = StringIO()
    call_command("daily", "--date", "2026-12-16", stdout=after)
    assert "Daily run for 16 December 2026" in after.getvalue()


def test_sending_does_nothing_while_another_sender_runs() -> None:
    out = StringIO()
    with held_elsewhere("send_messages"):
        call_command("send_messages", stdout=out)
    assert "this one did nothing" in out.getvalue()


def test_lock_keys_are_stable_and_distinct() -> None:
    assert lock_key("daily") == lock_key("daily")
    assert lock_key("daily") != lock_key("send_messages")
    assert -(2**63) <= lock_key("daily") < 2**63


def test_two_daily_runs_started_together_raise_each_task_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two servers start the daily run at once: the second starts while the first is raising
    its tasks, so without the lock both would find nothing raised yet and raise it all twice."""
    build_world()
    first_inside, second_done = threading.Event(), threading.Event()

    def slow_raise(*, today: object) -> dict[str, int]:
        first_inside.set()
        second_done.wait(timeout=30)
        return raise_due_tasks(today=today)  # type: ignore[arg-type]

    monkeypatch.setattr("groupwork.tasks.management.commands.daily.raise_due_tasks", slow_raise)
    outputs: dict[str, str] = {}

    def run(name: str) -> None:
        out = StringIO()
        try:
            call_command("daily", "--date", "2026-12-17", stdout=out)
        finally:
            outputs[name] = out.getvalue()
            connection.close()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert first_inside.wait(timeout=30)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(timeout=30)
    second_done.set()
    first.join(timeout=30)
    assert "Another daily run is going on" in outputs["second"]
    raised = int(re.search(r"(\d+) tasks raised in all", outputs["first"])[1])  # type: ignore[index]
    keys = list(Task.objects.values_list("kind", "key"))
    assert len(keys) == len(set(keys)) == raised >= 2  # noqa: PLR2004  (the world has 2 or more due)
