"""Helper for bench/load.sh: mints signed-in sessions, checks the pages, summarises the log.

    load_helper.py prepare OUT_DIR --origin https://127.0.0.1:PORT [--saves N] [--bare]
        (Django settings from the environment: the production ones in load.sh) mint an
        OTP-verified session per user, find real ids, write OUT_DIR/targets.lua for wrk and
        OUT_DIR/targets.json; with --bare every read is the benchmark's bare page instead
    load_helper.py check OUT_DIR --port PORT
        every address answers 200 for its user on the running server, and one register save
        per save target answers 302 (no Django needed)
    load_helper.py accesslog FILE
        server time per page from gunicorn's access log (format '%(m)s %(U)s %(s)s %(D)s')

Sessions are written straight into the session store (Redis under the production settings), as
signing in and entering a code would leave them: Django's three auth keys plus django_otp's
device key, with a confirmed TOTP device made for the user if they have none.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import string
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent.parent
READ_USERS = ("om.worcester", "fac.shrewsbury", "pm.westmercia", "chief.westmercia")
SAVE_USERS = ("fac.shrewsbury", "pm.westmercia")
VERSION_PLACEHOLDER = "__VERSION__"
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
BARE_PAGE = "/bench/bare"  # served by bare_wsgi.py
HTTP_OK = 200
HTTP_FOUND = 302


def setup_django() -> None:
    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupwork.settings.production")
    import django  # noqa: PLC0415 (only the subcommands that need Django load it)

    django.setup()


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string of ASCII with escapes is a valid Lua string


def lua_value(value: Any) -> str:
    if isinstance(value, dict):
        items = ", ".join(f"[{lua_string(str(k))}] = {lua_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, int):
        return str(value)
    return lua_string(str(value))


def prepare(  # noqa: PLR0915
    out_dir: Path, save_connections: int, origin: str, bare: bool = False
) -> None:
    setup_django()
    # Imported after django.setup(): the models need the app registry.
    from importlib import import_module  # noqa: PLC0415

    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: PLC0415
    from django.urls import resolve  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415
    from django.utils.crypto import get_random_string  # noqa: PLC0415
    from django_otp import DEVICE_ID_SESSION_KEY  # noqa: PLC0415
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415
    from records import longest_record  # noqa: PLC0415 (bench/records.py)

    from groupwork.attendance.forms import RegisterRowForm, initial_for  # noqa: PLC0415
    from groupwork.attendance.models import Register  # noqa: PLC0415
    from groupwork.attendance.services import register_rows  # noqa: PLC0415
    from groupwork.groups.models import Group, Session, SessionStatus  # noqa: PLC0415
    from groupwork.organisation.models import User  # noqa: PLC0415

    store = import_module(settings.SESSION_ENGINE).SessionStore
    csrf_secret = get_random_string(32, allowed_chars=string.ascii_letters + string.digits)
    backend = "django.contrib.auth.backends.ModelBackend"

    def mint(user: User) -> str:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Load test", confirmed=True)
        session = store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        return (
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
        )

    def allowed(user: User, path: str) -> bool:
        access = getattr(resolve(path).func, "access", None)
        return access is not None and user.role in access.roles

    today = timezone.localdate()
    reads: list[dict[str, str]] = []
    for username in READ_USERS:
        user = User.objects.get(username=username)
        cookie = mint(user)
        groups = Group.objects.visible_to(user).order_by("pk")
        group = groups.filter(name__startswith="Shrewsbury").first() or groups.first()
        if bare:
            reads.append({"user": username, "path": BARE_PAGE, "cookie": cookie})
            continue
        paths = ["/participants/", "/dashboard/", "/waiting-list/", "/audit/", "/reports/"]
        man = longest_record(user)
        paths += [f"/participants/{man.pk}/"] if man else []
        if group is not None:
            paths.append(f"/groups/{group.pk}/")
            session = (
                Session.objects.filter(group=group, register__isnull=False, date__lte=today)
                .order_by("-date")
                .first()
            )
            if session is not None:
                paths.append(f"/groups/{group.pk}/sessions/{session.pk}/register/")
        reads += [
            {"user": username, "path": path, "cookie": cookie}
            for path in paths
            if allowed(user, path)
        ]

    saves: list[dict[str, str]] = []
    taken: set[int] = set()
    for index in range(save_connections):
        username = SAVE_USERS[index % len(SAVE_USERS)]
        user = User.objects.get(username=username)
        candidates = (
            Session.objects.filter(
                group__in=Group.objects.visible_to(user),
                register__isnull=False,
                date__lte=today,
            )
            .exclude(status=SessionStatus.CANCELLED)
            .exclude(pk__in=taken)
            .select_related("group__version")
            .order_by("-date")
        )
        for session in candidates:
            body = register_body(session, csrf_secret, RegisterRowForm, initial_for, register_rows)
            if body is not None:
                break
        else:
            raise SystemExit(f"No register {username} can save again as it stands")
        taken.add(session.pk)
        register = Register.objects.get(session=session)
        saves.append(
            {
                "user": username,
                "path": f"/groups/{session.group_id}/sessions/{session.pk}/register/",
                "cookie": mint(user),
                "body": body,
                "version": str(register.version),
            }
        )

    targets = {"origin": origin, "reads": reads, "saves": saves}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "targets.json").write_text(json.dumps(targets, indent=1))
    (out_dir / "targets.lua").write_text("return " + lua_value(targets) + "\n")
    for item in reads:
        print(f"  read  {item['user']:18} {item['path']}")
    for item in saves:
        print(f"  save  {item['user']:18} {item['path']}")


def register_body(
    session: Any, csrf_secret: str, row_form: Any, initial_for: Any, register_rows: Any
) -> str | None:
    """The register form as it stands (every man's saved mark again), or None if a man has no
    mark yet. The version is a placeholder the Lua script fills in."""
    rows = register_rows(session)
    if not rows:
        return None
    rules = session.group.definition.group_rules
    pairs: list[tuple[str, str]] = [
        ("csrfmiddlewaretoken", csrf_secret),
        ("version", VERSION_PLACEHOLDER),
    ]
    for row in rows:
        if row.attendance is None:
            return None
        form = row_form(None, row=row, rules=rules, initial=initial_for(row))
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                pairs += [(key, str(item)) for item in value]
            else:
                pairs.append((key, "" if value is None else str(value)))
    register = session.register
    pairs.append(("note", register.note))
    return urlencode(pairs)


def request(
    host: str, port: int, method: str, path: str, cookie: str, origin: str, body: str = ""
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": f"{host}:{port}"}
    if method == "POST":
        headers |= {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request(method, path, body=body.encode() if body else None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def check(out_dir: Path, host: str, port: int) -> None:
    targets = json.loads((out_dir / "targets.json").read_text())
    origin = targets["origin"]
    problems = []
    for item in targets["reads"]:
        status, headers, _ = request(host, port, "GET", item["path"], item["cookie"], origin)
        if status != HTTP_OK:
            where = headers.get("location", "")
            problems.append(f"GET {item['path']} as {item['user']}: {status} {where}")
    for item in targets["saves"]:
        path, cookie = item["path"], item["cookie"]
        status, _, text = request(host, port, "GET", path, cookie, origin)
        found = VERSION_RE.search(text)
        if status != HTTP_OK or found is None:
            problems.append(f"GET {path} as {item['user']}: {status}, version found: {found}")
            continue
        body = item["body"].replace(VERSION_PLACEHOLDER, found.group(1))
        status, headers, text = request(host, port, "POST", path, cookie, origin, body)
        if status != HTTP_FOUND or not headers.get("location", "").endswith(path):
            errors = re.findall(r'<a href="#[^"]*">([^<]*)</a>', text)[:5]
            problems.append(f"POST {path} as {item['user']}: {status} {errors}")
    if problems:
        print("These addresses did not answer as expected:", *problems, sep="\n  ")
        raise SystemExit(1)
    print(f"  all {len(targets['reads'])} reads answer 200, {len(targets['saves'])} saves 302")


def page_of(path: str) -> str:
    return re.sub(r"/(\d+|[0-9a-f-]{32,36})(?=/)", "/<id>", path)


def accesslog(log: Path) -> None:
    """p50, p95 and the slowest server time per page (gunicorn's %(D)s, microseconds)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[3].isdigit():  # noqa: PLR2004
            continue
        method, path, status, micros = parts
        times[f"{method} {page_of(path)} {status}"].append(int(micros) / 1000)
    print(f"  {'request (server side)':60} {'count':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for key, values in sorted(times.items(), key=lambda kv: -statistics.median(kv[1])):
        p95 = (
            statistics.quantiles(values, n=20, method="inclusive")[-1]
            if len(values) > 1
            else values[0]
        )
        print(
            f"  {key:60} {len(values):7d} {statistics.median(values):7.1f} {p95:7.1f}"
            f" {max(values):7.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--saves", type=int, default=2, help="save connections, one register each")
    p.add_argument("--origin", required=True, help="e.g. https://127.0.0.1:8765")
    p.add_argument("--bare", action="store_true", help="every read the bare page (ceiling)")
    c = sub.add_parser("check")
    c.add_argument("out_dir", type=Path)
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, required=True)
    a = sub.add_parser("accesslog")
    a.add_argument("log", type=Path)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.out_dir, args.saves, args.origin, args.bare)
    elif args.command == "check":
        check(args.out_dir, args.host, args.port)
    else:
        accesslog(args.log)


if __name__ == "__main__":
    main()
