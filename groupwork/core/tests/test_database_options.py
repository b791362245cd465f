"""The options every PostgreSQL connection is opened with."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from groupwork.settings.base import postgresql_options


def test_statements_run_often_are_prepared_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    prepared = postgresql_options()
    assert prepared["server_side_binding"] is True
    assert prepared["prepare_threshold"] == 5
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")  # behind PgBouncer
    plain = postgresql_options()
    assert "server_side_binding" not in plain
    assert "prepare_threshold" not in plain


def test_the_planner_is_told_reads_are_cheap_not_to_compile_nor_to_go_parallel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_RANDOM_PAGE_COST", raising=False)
    monkeypatch.delenv("DATABASE_PARALLEL_WORKERS", raising=False)
    assert postgresql_options()["options"] == (
        "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    )
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "4")
    monkeypatch.setenv("DATABASE_PARALLEL_WORKERS", "2")
    assert postgresql_options()["options"] == (
        "-c jit=off -c random_page_cost=4 -c max_parallel_workers_per_gather=2"
    )


def test_the_parallel_workers_must_be_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PARALLEL_WORKERS", "2 -c statement_timeout=0")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        postgresql_options()
