"""Benchmark: the same key pages timed by two checkouts of the code, on one database and machine.

A change's effect on speed is clearer side by side than against figures taken on another
day: on a shared machine the wall time moves with other guests' load. Check the older commit
out beside this one and run this script once in each, in turns, against the same database:

    git worktree add /tmp/before <commit>
    ln -s "$PWD/.venv" /tmp/before/.venv && cp -r staticfiles /tmp/before/
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/groupwork_national
    for round in 1 2; do
        for tree in /tmp/before "$PWD"; do
            (cd "$tree" && .venv/bin/python "$OLDPWD/bench/before_after.py" "$tree" --repeat 40)
        done
    done

It imports bench/pages.py of the checkout named (its settings, pages and signed-in clients),
so each run measures that checkout's code. It prints p50 of the wall time and of this
process's CPU time for each page of an area (`--area`, a generated one by default), as its
staff see it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

PAGES = (
    "bare page",
    "caseload",
    "dashboard, officer",
    "dashboard, programme manager",
    "participant record",
    "group page",
    "waiting list",
    "register view",
    "audit log",
    "reports",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkout", help="the checkout whose code is timed")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--area", default="gen-01")
    arguments = parser.parse_args()
    sys.path[:0] = [arguments.checkout, f"{arguments.checkout}/bench"]
    import pages as bench  # noqa: PLC0415  (the checkout's own, found only now)
    from django.test import override_settings  # noqa: PLC0415  (after bench sets Django up)

    with override_settings(ROOT_URLCONF="bare"):
        by_label = {page.label: page for page in bench.pages(arguments.area)}
        manager = by_label["group page"].username
        measured = [
            (label, page.username, page.address)
            for label in PAGES
            for page in [next(p for name, p in by_label.items() if name.startswith(label))]
        ] + [("group list", manager, "/groups/")]
        clients: dict[str, Any] = {}
        for label, username, address in measured:
            client = clients.setdefault(username, bench.signed_in(username))
            wall, cpu = [], []
            for _ in range(3):  # warm: the first requests fill caches
                client.get(address, secure=True)
            for _ in range(arguments.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(address, secure=True)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            print(
                f"{label:30} wall p50 {statistics.median(wall):7.1f}  "
                f"cpu p50 {statistics.median(cpu):7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
