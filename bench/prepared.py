"""Benchmark: how psycopg's cache of prepared statements fares under a mixed national load.

psycopg prepares a statement on a connection the fifth time it runs there
(`prepare_threshold`, groupwork/settings/base.py) and keeps at most `prepared_max` of them
(100 unless set), counting the runs of at most as many more. A statement pushed out of the
count starts again from nothing; a prepared one pushed out costs a DEALLOCATE and is planned
again. A list filtered by a list of keys (`IN (%s, %s, ...)`) is a new statement for each
length of the list, so the distinct statements grow with the number of staff whose pages are
read.

This reads the key pages of bench/pages.py in several areas, and the caseload and dashboard
of each area's first `--officers` offender managers, in a shuffled order, several rounds, in
one process with the connection pool of production, and prints the distinct statements, how
many were prepared, how many counts and prepared statements were pushed out, how many of the
executions used a prepared statement, and the time of the requests after the first round.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/groupwork_national \\
        .venv/bin/python bench/prepared.py --areas west-mercia,gen-01,gen-02 --officers 12
    # the same with --prepared-max 0: no limit
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from typing import Any

import pages as bench  # bench/pages.py: settings, pages and signed-in clients
from django.db.backends.signals import connection_created
from django.test import override_settings
from psycopg._preparing import PrepareManager  # psycopg's own cache, watched, not changed

from groupwork.organisation.models import Role, User

TIMED_ELSEWHERE = {"/bench/bare", "/bench/layout", "/healthz"}


class Watch:
    """Counts what psycopg's cache does, by wrapping two of its methods."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.statements: set[Any] = set()
        rotate, add = PrepareManager._rotate, PrepareManager.maybe_add_to_cache
        get = PrepareManager.get
        watch = self

        def counted_get(manager: PrepareManager, query: Any, prepare: bool | None = None) -> Any:
            found = get(manager, query, prepare)
            watch.counts[f"executions {found[0].name}"] += 1
            return found

        def counted_rotate(manager: PrepareManager) -> None:
            if len(manager._counts) > manager.prepared_max:
                watch.counts["counts pushed out"] += 1
            if len(manager._names) > manager.prepared_max:
                watch.counts["prepared pushed out (DEALLOCATE)"] += 1
            rotate(manager)

        def counted_add(manager: PrepareManager, query: Any, prep: Any, name: bytes) -> Any:
            watch.statements.add(manager.key(query))
            if prep.name == "SHOULD":
                watch.counts["prepared"] += 1
            return add(manager, query, prep, name)

        PrepareManager.get = counted_get  # type: ignore[method-assign,assignment]
        PrepareManager._rotate = counted_rotate  # type: ignore[method-assign,assignment]
        PrepareManager.maybe_add_to_cache = counted_add  # type: ignore[method-assign,assignment]


def limit_prepared(prepared_max: int) -> None:
    """Every connection Django opens keeps up to `prepared_max` statements (0: no limit)."""

    def configure(sender: object, connection: Any, **kwargs: object) -> None:
        connection.connection.prepared_max = prepared_max or None

    connection_created.connect(configure, weak=False)


def mix(areas: list[str], officers: int) -> list[bench.Page]:
    pages = [
        page
        for area in areas
        for page in bench.pages(area)
        if page.method == "GET" and page.address not in TIMED_ELSEWHERE
    ]
    for area in areas:
        staff = User.objects.filter(
            area__slug=area, role=Role.OFFENDER_MANAGER, is_active=True
        ).order_by("username")[:officers]
        for officer in staff:
            pages.append(bench.Page("caseload", officer.username, "/participants/"))
            pages.append(bench.Page("dashboard, officer", officer.username, "/dashboard/"))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--areas", default="west-mercia,gen-01,gen-02,gen-03,gen-04,gen-05")
    parser.add_argument("--officers", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--prepared-max", type=int, help="statements kept a connection (0: no limit)"
    )
    arguments = parser.parse_args()
    if arguments.prepared_max is not None:
        limit_prepared(arguments.prepared_max)
    watch = Watch()
    pages = mix(arguments.areas.split(","), arguments.officers)
    clients = {page.username: bench.signed_in(page.username) for page in pages}
    shuffle = random.Random(1).shuffle  # noqa: S311  (an order, not a secret)
    times: list[float] = []
    with override_settings(ROOT_URLCONF="bare"):
        for round_number in range(arguments.rounds):
            order = pages[:]
            shuffle(order)
            for page in order:
                started = time.perf_counter()
                status = clients[page.username].get(page.address, secure=True).status_code
                if status != 200:  # noqa: PLR2004
                    raise SystemExit(f"{page.address} as {page.username} answered {status}")
                if round_number:
                    times.append((time.perf_counter() - started) * 1000)
    kept = arguments.prepared_max
    print(
        f"prepared_max {'100 (psycopg default)' if kept is None else kept or 'no limit'}; "
        f"{len(pages)} pages x {arguments.rounds} rounds"
    )
    print(f"distinct statements: {len(watch.statements)}")
    for name in ("prepared", "counts pushed out", "prepared pushed out (DEALLOCATE)"):
        print(f"{name}: {watch.counts[name]}")
    runs = {state: watch.counts[f"executions {state}"] for state in ("YES", "SHOULD", "NO")}
    print(
        f"executions: {sum(runs.values())}, of a prepared statement {runs['YES']} "
        f"({runs['YES'] / max(1, sum(runs.values())):.0%}), preparing it {runs['SHOULD']}, "
        f"planned afresh {runs['NO']}"
    )
    print(
        f"after the first round: {len(times)} requests, mean {statistics.mean(times):.2f} ms, "
        f"p50 {statistics.median(times):.2f} ms"
    )


if __name__ == "__main__":
    main()
