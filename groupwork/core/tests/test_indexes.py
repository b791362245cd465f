"""Every list's filter and order is served by an index.

Each key page's queries are planned again with whole-table scans priced out of reach
(PostgreSQL's `enable_seqscan = off`: the planner then scans a table whole only when no index
serves the query's filters, joins or order), or asked for their plan on SQLite (which reports a
scan without an index the same way). Such a scan of a table that grows with the men, their
groups, the staff and what happens to them reads the nation's rows at national size.

What it proves is that an index exists for each filter, join and order. Whether the planner
takes it on the national data set is for `bench/plans.py`: on this small world either planner
may still walk a whole index for a join or an order, which neither is told apart here.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import connection
from django.test import Client

from groupwork.core.tests.world import World, client_for

# Tables that hold a few rows and stay that size whatever the number of men: areas, centres,
# rooms, teams, closure days, programmes and their versions, questionnaires, the statuses a
# referral may take, and Django's own lists of content types and permissions.
REFERENCE_TABLES = {
    "organisation_area",
    "organisation_office",
    "organisation_room",
    "organisation_team",
    "organisation_closureday",
    "programmes_programme",
    "programmes_programmeversion",
    "assessment_instrument",
    "assessment_instrumentversion",
    "referrals_referralstatus",
    "referrals_statusreason",
    "referrals_statustransition",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
}
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET")
# `FROM "table" U0` or `JOIN "table" T3`: Django's aliases, which SQLite's plan names.
ALIASED = re.compile(r'"(\w+)" (?!AS\b)([A-Z]\d+)\b')


def growing_tables() -> set[str]:
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return tables - REFERENCE_TABLES


@contextmanager
def reads() -> Iterator[list[tuple[str, Any]]]:
    """Every query that reads (SELECT, WITH, a parenthesised UNION), with its parameters."""
    captured: list[tuple[str, Any]] = []

    def keep(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
        if not sql.lstrip().upper().startswith(WRITES):
            captured.append((sql, params))
        return execute(sql, params, *args)

    with connection.execute_wrapper(keep):
        yield captured


def full_scans(sql: str, params: Any) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return set(_postgres_scans(cursor.fetchone()[0][0]["Plan"]))
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        details = [row[-1] for row in cursor.fetchall()]
    aliases = {alias: table for table, alias in ALIASED.findall(sql)}
    scanned = {
        detail.split()[1]
        for detail in details
        if detail.startswith("SCAN ") and " USING " not in detail
    }
    return {aliases.get(name, name) for name in scanned}


def _postgres_scans(node: dict[str, Any]) -> Iterator[str]:
    if node.get("Node Type") == "Seq Scan":
        yield node["Relation Name"]
    for child in node.get("Plans", []):
        yield from _postgres_scans(child)


def key_pages(world: World) -> list[tuple[str, str]]:
    group, session = world.worcester_group, world.worcester_session
    register = f"/groups/{group.pk}/sessions/{session.pk}/register/"
    return [
        ("om.worcester", "/participants/"),
        ("om.worcester", "/participants/?q=a"),
        ("om.worcester", "/dashboard/"),
        ("om.worcester", f"/participants/{world.worcester_man.pk}/"),
        ("om.worcester", "/tasks/"),
        ("spo.worcester", "/dashboard/"),
        ("fac.worcester", "/dashboard/"),
        ("fac.worcester", register),
        ("spo.worcester", "/incidents/"),
        ("pm.westmercia", "/dashboard/"),
        ("pm.westmercia", "/groups/"),
        ("pm.westmercia", f"/groups/{group.pk}/"),
        ("pm.westmercia", "/waiting-list/"),
        ("pm.westmercia", "/enforcement/"),
        ("pm.westmercia", "/complaints/"),
        ("pm.westmercia", "/messages/"),
        ("chief.westmercia", "/dashboard/"),
        ("chief.westmercia", "/audit/"),
        ("chief.westmercia", "/reports/"),
    ]


def test_no_key_page_must_scan_a_growing_table(world: World) -> None:
    growing = growing_tables()
    clients: dict[str, Client] = {}
    found = []
    for persona, address in key_pages(world):
        client = clients.setdefault(persona, client_for(world, persona))
        with reads() as captured:
            assert client.get(address).status_code == 200, address
        read = " ".join(sql for sql, _ in captured)
        assert any(f'"{table}"' in read for table in growing - {"organisation_user"}), address
        for sql, params in captured:
            if scanned := full_scans(sql, params) & growing:
                found.append((address, sorted(scanned), sql[:300]))
    assert found == [], "\n".join(map(str, found))
