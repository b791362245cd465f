"""Query plans of the key pages: every query one request makes, run again under EXPLAIN
ANALYZE on PostgreSQL, with the time the database spent and any sequential scan of a big
table (a list whose filter or order has no index).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/groupwork_national \\
        .venv/bin/python bench/plans.py --area gen-01 [--all]

Prints one line a query, slowest first (`--all` for every query, not only the slow or
scanning ones).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from typing import Any

import pages as bench  # bench/pages.py: settings, pages and signed-in clients
from django.db import connection
from django.test import override_settings

BIG_TABLE_ROWS = 10_000
SLOW_MS = 5.0


def captured_queries(page: bench.Page) -> list[tuple[str, Any]]:
    """The SELECTs one request of `page` makes, with their parameters."""
    client = bench.signed_in(page.username)
    captured: list[tuple[str, Any]] = []

    def keep(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            captured.append((sql, params))
        return execute(sql, params, *args)

    with override_settings(ROOT_URLCONF="bare"), connection.execute_wrapper(keep):
        bench.request(client, page)
    return captured


def big_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [BIG_TABLE_ROWS],
        )
        return {name for (name,) in cursor.fetchall()}


def plan(sql: str, params: Any) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        result: dict[str, Any] = cursor.fetchone()[0][0]
    return result


def scans(node: dict[str, Any]) -> list[str]:
    found = [node["Relation Name"]] if node.get("Node Type") == "Seq Scan" else []
    for child in node.get("Plans", []):
        found += scans(child)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--area", default="west-mercia")
    parser.add_argument("--all", action="store_true", help="every query, not only the slow")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Query plans need PostgreSQL: set DATABASE_URL.")
    big = big_tables()
    print(f"Data: {bench.describe_data()}; area {arguments.area}")
    for page in bench.pages(arguments.area):
        if page.method != "GET" or page.address == "/bench/bare":
            continue
        rows = []
        for sql, params in captured_queries(page):
            result = plan(sql, params)
            scanned = sorted(set(scans(result["Plan"])) & big)
            rows.append((result["Execution Time"], scanned, sql))
        rows.sort(key=lambda row: -row[0])
        total = sum(row[0] for row in rows)
        print(
            f"\n{page.label} ({page.username}): {len(rows)} queries, {total:.1f} ms in the database"
        )
        for milliseconds, scanned, sql in rows:
            if arguments.all or scanned or milliseconds >= SLOW_MS:
                table = re.search(r'FROM "(\w+)"', sql)
                note = f"  seq scan of {', '.join(scanned)}" if scanned else ""
                print(f"  {milliseconds:8.2f} ms  {table[1] if table else '?':32}{note}")
                if arguments.all or scanned:
                    print(f"             {json.dumps(sql[:240])}")


if __name__ == "__main__":
    main()
