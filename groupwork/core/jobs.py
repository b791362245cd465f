"""One run at a time of a scheduled job, across every app server.

On PostgreSQL a session-level advisory lock keyed by the job's name: the second server's run
finds it taken and stops at once. On SQLite (one machine) a file lock beside the database does
the same. The lock is released when the block ends, or when the process dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def lock_key(name: str) -> int:
    """A stable signed 64-bit number for the job's name, as pg_try_advisory_lock wants."""
    digest = hashlib.sha256(f"groupwork-job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def exclusive_job(name: str) -> Iterator[bool]:
    """Yields True when this process may run the job now, False when another run holds it."""
    if connection.vendor == "postgresql":
        # Advisory locks are shared by the whole server: key them by database too.
        database = connection.settings_dict.get("NAME") or ""
        with _advisory_lock(lock_key(f"{database}:{name}")) as held:
            yield held
    else:
        with _file_lock(name) as held:
            yield held


@contextmanager
def _advisory_lock(key: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _lock_path(name: str) -> Path:
    database = str(connection.settings_dict.get("NAME") or "")
    if not database or "memory" in database:
        # An in-memory database belongs to this process alone, and so does its lock.
        return Path(tempfile.gettempdir()) / f".groupwork-{name}-{os.getpid()}.lock"
    return Path(database).with_name(f".{Path(database).name}-{name}.lock")


@contextmanager
def _file_lock(name: str) -> Iterator[bool]:
    with _lock_path(name).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
