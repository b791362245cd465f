"""`make backup` and `make restore` round-trip a PostgreSQL database, append-only table
included. Runs against the machine's PostgreSQL server in a scratch database of its own."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

SERVER = "postgres://postgres@127.0.0.1:5432"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"groupwork_backup_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(sql: str, url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []


def make(target: str, url: str, backup: Path) -> None:
    subprocess.run(  # noqa: S603  (fixed arguments, our own Makefile)
        ["make", "-s", target, f"DATABASE_URL={url}", f"BACKUP={backup}"],  # noqa: S607
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def test_a_backup_restores_the_database_as_it_was(scratch_database: str, tmp_path: Path) -> None:
    url = scratch_database
    run(
        """
        CREATE TABLE events (id serial PRIMARY KEY, what text NOT NULL);
        CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'append-only'; END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
          FOR EACH ROW EXECUTE FUNCTION refuse();
        INSERT INTO events (what) VALUES ('signed in'), ('took a register');
        """,
        url,
    )
    backup = tmp_path / "groupwork.dump"
    make("backup", url, backup)
    assert backup.stat().st_size > 0
    run("INSERT INTO events (what) VALUES ('after the backup')", url)
    make("restore", url, backup)
    rows = run("SELECT what FROM events ORDER BY id", url)
    assert rows == [("signed in",), ("took a register",)]
    with pytest.raises(psycopg.errors.RaiseException):
        run("DELETE FROM events", url)  # the trigger came back with the table


def test_restore_refuses_without_a_backup_file(scratch_database: str, tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError):
        make("restore", scratch_database, tmp_path / "missing.dump")
