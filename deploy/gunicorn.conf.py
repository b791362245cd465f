"""Gunicorn's settings for the Groupwork image (the Dockerfile's CMD).

The environment may change three: GUNICORN_WORKERS (default 2 x CPUs + 1), GUNICORN_TIMEOUT
(seconds, default 60) and GUNICORN_BIND (default 0.0.0.0:8000).
"""

import math
import os
from typing import Any


def _cpus() -> int:
    """The CPUs this container may use: its cgroup quota if it has one, else the CPUs it may
    run on (a container sees every CPU of the host, whatever its limit)."""
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as limits:
            quota, period = limits.read().split()
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return len(os.sched_getaffinity(0))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers answer one request at a time, so each holds at most one database connection.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cpus() + 1))
worker_class = "sync"
# An allocation run takes up to about 10 s (docs/performance.md); PDFs take a second or two.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Replace each worker after 1,000 to 1,100 requests, staggered: a guard against slow leaks.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file in memory, not on the container's overlay disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108  (shared memory, as gunicorn advises in containers)
control_socket_disable = True

# Logs to stdout and stderr, the client's address as the proxy passed it, the time in ms.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)


def post_worker_init(worker: Any) -> None:
    """Import every view before the worker takes its first request: the URLconf pulls in
    OR-Tools, WeasyPrint and the rest, several seconds that would otherwise fall on the first
    request after each start and each max_requests restart."""
    from django.urls import get_resolver  # noqa: PLC0415  (Django is set up by now)

    get_resolver().url_patterns  # noqa: B018  (loading it is the point)
