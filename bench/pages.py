"""Benchmark: the key pages as each role sees them, against a bare page that makes one query.

Runs in-process through Django's test client against the database the settings point at (the
demo's SQLite file unless DATABASE_URL says otherwise), signed in as the demo's staff. For each
page it prints p50 and p95 of many requests, the ratio of its p95 to the bare page's p95 in the
same run, and the number of queries one request makes.

    .venv/bin/python manage.py load_demo        # once, for the data
    .venv/bin/python bench/pages.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupwork.settings.demo")

import django  # noqa: E402 (after the path is set)

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from groupwork.groups.models import Group, Session  # noqa: E402
from groupwork.organisation.models import User  # noqa: E402
from groupwork.participants.models import Participant  # noqa: E402

Page = tuple[str, str, Callable[[], str]]


def pages() -> list[Page]:
    """(label, username, address) for every page measured; addresses found in the data."""
    group = Group.objects.filter(area__slug="west-mercia", name__startswith="Shrewsbury").first()
    session = Session.objects.filter(group=group, register__isnull=False).order_by("-date").first()
    officer = User.objects.get(username="om.worcester")
    man = Participant.objects.visible_to(officer).order_by("case_reference").first()
    if group is None or session is None or man is None:
        raise SystemExit("Load the demo first: python manage.py load_demo")
    register = f"/groups/{group.pk}/sessions/{session.pk}/register/"
    return [
        ("bare page (one query)", "", lambda: "/healthz"),  # not signed in
        ("caseload", "om.worcester", lambda: "/participants/"),
        ("dashboard, officer", "om.worcester", lambda: "/dashboard/"),
        ("dashboard, facilitator", "fac.shrewsbury", lambda: "/dashboard/"),
        ("dashboard, programme manager", "pm.westmercia", lambda: "/dashboard/"),
        ("dashboard, chief officer", "chief.westmercia", lambda: "/dashboard/"),
        ("participant record", "om.worcester", lambda: f"/participants/{man.pk}/"),
        ("group page", "pm.westmercia", lambda: f"/groups/{group.pk}/"),
        ("register view", "fac.shrewsbury", lambda: register),
        ("waiting list", "pm.westmercia", lambda: "/waiting-list/"),
        ("audit log", "chief.westmercia", lambda: "/audit/"),
        ("reports", "chief.westmercia", lambda: "/reports/"),
    ]


def measure(client: Client, address: str, repeat: int) -> tuple[list[float], int]:
    reset_queries()  # with DEBUG on the log is capped, and a full log would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    if response.status_code != 200:  # noqa: PLR2004
        raise SystemExit(f"{address} answered {response.status_code}")
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(address)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(queries)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    clients: dict[str, Client] = {}
    rows = []
    for label, username, address in pages():
        if username not in clients:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            if username:
                clients[username].force_login(User.objects.get(username=username))
        timings, queries = measure(clients[username], address(), repeat)
        rows.append((label, statistics.median(timings), p95(timings), queries))
    bare_p95 = rows[0][2]
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'p95/bare':>9} {'queries':>8}")
    for label, p50, p95_ms, queries in rows:
        print(f"{label:32} {p50:8.1f} {p95_ms:8.1f} {p95_ms / bare_p95:9.1f} {queries:8d}")


if __name__ == "__main__":
    main()
