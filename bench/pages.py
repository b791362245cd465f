"""Benchmark: the key pages as each role sees them, against a bare page in the same run.

Runs in-process through Django's test client with the production settings (DEBUG off, sessions
and cache in Redis, two-factor sign-in, the PostgreSQL connection pool when DATABASE_URL names
PostgreSQL), signed in as the demo's staff. For each page it prints p50 and p95 of many
requests, the ratio of its p95 to the bare page's p95, and the number of queries one request
makes. The bare page (bench/bare.py) is signed in too and passes the same middleware, but
makes one query of its own and renders nothing; the anonymous health check is shown as well.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/groupwork_national \\
        .venv/bin/python bench/pages.py [--repeat 300]

It empties the cache it is given before it starts (Redis database 4 unless REDIS_URL names
another), so every run starts cold; never point it at a live system's Redis.
The first request of each page is timed on its own ("first ms"): the rest may find the area's
figures cached (groupwork/core/figures.py), as a live system would.

The database needs the demo area (`manage.py load_demo`), and may hold a generated national
data set beside it (`manage.py generate_national --scale 1` or `--scale 10`).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupwork.settings.production")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
os.environ.setdefault("DATABASE_POOL", "true")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402 (after the environment is set)

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from records import longest_record  # noqa: E402 (bench/records.py)

from groupwork.attendance.models import Attendance  # noqa: E402
from groupwork.groups.models import Group, Membership, Session  # noqa: E402
from groupwork.organisation.models import Role, User  # noqa: E402
from groupwork.participants.models import Participant  # noqa: E402


@dataclass(frozen=True)
class Page:
    label: str
    username: str  # "" for a visitor who has not signed in
    address: str
    method: str = "GET"


def staff(area: str, role: Role) -> User:
    """The area's member of staff in `role` with the most work: the officer with the biggest
    caseload; for other roles the first by username."""
    users = User.objects.filter(area__slug=area, role=role, is_active=True)
    if role == Role.OFFENDER_MANAGER:
        users = users.annotate(cases=Count("caseload")).order_by("-cases", "username")
    user = users.order_by("username").first() if role != Role.OFFENDER_MANAGER else users.first()
    if user is None:
        raise SystemExit(f"No {role.label} in {area}: load the demo or generate the data first.")
    return user


def busiest_register(area: str) -> Session:
    """The latest taken register of the area's group with the most men."""
    group = (
        Group.objects.filter(area__slug=area, sessions__register__isnull=False)
        .annotate(men=Count("memberships", distinct=True))
        .order_by("-men", "pk")
        .first()
    )
    session = Session.objects.filter(group=group, register__isnull=False).order_by("-date").first()
    if session is None:
        raise SystemExit(f"No register taken in {area}.")
    return session


def pages(area: str) -> list[Page]:
    """Every page measured, as the staff of `area` who use it, with records from its data."""
    officer = staff(area, Role.OFFENDER_MANAGER)
    session = busiest_register(area)
    facilitator = (
        User.objects.filter(facilitated_groups=session.group_id).order_by("username").first()
    )
    manager = staff(area, Role.PROGRAMME_MANAGER)
    chief = staff(area, Role.CHIEF_OFFICER)
    man = longest_record(officer)
    if facilitator is None or man is None:
        raise SystemExit(f"{area} has no facilitator for its register, or no man on a caseload.")
    group = f"/groups/{session.group_id}/"
    register = f"{group}sessions/{session.pk}/register/"
    men = Attendance.objects.filter(session=session).count()
    marks = Attendance.objects.filter(referral__participant=man).count()
    return [
        Page("bare page, signed in", officer.username, "/bench/bare"),
        Page("layout page, audited", officer.username, "/bench/layout"),
        Page("health check, not signed in", "", "/healthz"),
        Page("caseload", officer.username, "/participants/"),
        Page("dashboard, officer", officer.username, "/dashboard/"),
        Page("dashboard, facilitator", facilitator.username, "/dashboard/"),
        Page("dashboard, programme manager", manager.username, "/dashboard/"),
        Page("dashboard, chief officer", chief.username, "/dashboard/"),
        Page(f"participant record ({marks} marks)", officer.username, f"/participants/{man.pk}/"),
        Page("group list", manager.username, "/groups/"),
        Page("group page", manager.username, group),
        Page(f"register view ({men} men)", facilitator.username, register),
        Page(f"register save ({men} men)", facilitator.username, register, method="POST"),
        Page("waiting list", manager.username, "/waiting-list/"),
        Page("messages (outbox)", manager.username, "/messages/"),
        Page("audit log", chief.username, "/audit/"),
        Page("reports", chief.username, "/reports/"),
    ]


class FormFields(HTMLParser):
    """The values a browser would send back for the first form with a `version` field."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, Any] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        name = attr.get("name")
        if tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attr:
            self.fields[self._select] = attr.get("value", "")
        elif tag == "input" and name and attr.get("type") not in {"submit", "button"}:
            if attr.get("type") in {"radio", "checkbox"}:
                if "checked" in attr:
                    self.fields.setdefault(name, []).append(attr.get("value", "on"))
            else:
                self.fields[name] = attr.get("value") or ""
        elif tag == "textarea" and name:
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def unchanged_register(client: Client, address: str) -> dict[str, Any]:
    """The register form as it stands: saving it again is what an unchanged save sends."""
    parser = FormFields()
    parser.feed(client.get(address, secure=True).content.decode())
    return parser.fields


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    executed: list[str] = []

    def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        executed.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        yield executed


def request(client: Client, page: Page) -> int:
    if page.method == "POST":
        status = client.post(
            page.address, unchanged_register(client, page.address), secure=True
        ).status_code
        return 200 if status == 302 else status  # noqa: PLR2004  (saved, then sent back)
    return client.get(page.address, secure=True).status_code


@dataclass(frozen=True)
class Timings:
    first: float  # ms, the first request, nothing cached
    wall: list[float]  # ms, each of the repeated requests
    cpu: list[float]  # ms of this process's CPU for each: less moved by the machine's load
    queries: int


def measure(client: Client, page: Page, repeat: int, profile: Path | None = None) -> Timings:
    """The first request's time (cold: nothing cached), the times of `repeat` more, and the
    queries of the second (the first may make what later ones find, such as a calendar
    feed's address)."""
    started = time.perf_counter()
    status = request(client, page)
    first = (time.perf_counter() - started) * 1000
    with counted_queries() as executed:
        status = max(status, request(client, page))
    if status != 200:  # noqa: PLR2004
        raise SystemExit(f"{page.method} {page.address} answered {status}")
    form = unchanged_register(client, page.address) if page.method == "POST" else None
    wall, cpu = [], []
    profiler = cProfile.Profile() if profile else None
    for _ in range(repeat):
        if form is not None:  # the form is read outside the timing: only the save counts
            form = unchanged_register(client, page.address)
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        if form is None:
            client.get(page.address, secure=True)
        else:
            client.post(page.address, form, secure=True)
        if profiler:
            profiler.disable()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    if profiler and profile:
        profiler.dump_stats(profile / f"{slugify(page.label)}.prof")
    queries = len(executed)
    if page.method == "POST":  # the form was read in the same count; take its queries off
        with counted_queries() as read:
            client.get(page.address, secure=True)
        queries -= len(read)
    return Timings(first, wall, cpu, queries)


def signed_in(username: str) -> Client:
    """A client signed in with the second factor passed, as staff are in production."""
    client = Client(HTTP_HOST="127.0.0.1")
    if username:
        user = User.objects.get(username=username)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="benchmark", defaults={"confirmed": True}
        )
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def describe_data() -> str:
    return (
        f"{connection.vendor}, {Participant.objects.count():,} men, "
        f"{Group.objects.count():,} groups, {Membership.objects.count():,} places, "
        f"{Attendance.objects.count():,} attendance rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument(
        "--area", default="west-mercia", help="whose staff and records: the demo's, or gen-01"
    )
    parser.add_argument(
        "--only",
        default="",
        help="time only the pages whose label holds this (and the bare and layout pages)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder: write each page's repeated requests there as cProfile stats (page.prof);"
        " the times printed then include the profiler's own cost",
    )
    arguments = parser.parse_args()
    repeat, area = arguments.repeat, arguments.area
    if arguments.profile:
        arguments.profile.mkdir(parents=True, exist_ok=True)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    cache.clear()  # the benchmark's own Redis database: start every run cold
    print(f"Data: {describe_data()}; area {area}; {repeat} requests a page.")
    clients: dict[str, Client] = {}
    rows = []
    with override_settings(ROOT_URLCONF="bare"):
        for index, page in enumerate(pages(area)):
            if index > 1 and arguments.only not in page.label:
                continue
            client = clients.setdefault(page.username, signed_in(page.username))
            rows.append((page, measure(client, page, repeat, arguments.profile)))
    bare_p95 = p95(rows[0][1].wall)
    print(
        f"{'page':30} {'as':18} {'first ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'p95/bare':>8} "
        f"{'cpu p50':>7} {'queries':>7}"
    )
    for page, timings in rows:
        print(
            f"{page.label:30} {page.username:18} {timings.first:8.1f} "
            f"{statistics.median(timings.wall):7.2f} {p95(timings.wall):7.2f} "
            f"{p95(timings.wall) / bare_p95:8.1f} {statistics.median(timings.cpu):7.2f} "
            f"{timings.queries:7d}"
        )


if __name__ == "__main__":
    main()
