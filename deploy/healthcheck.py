"""The container's health check: GET /healthz on this container's gunicorn, exit 0 on 200.

The production settings answer only the host names in DJANGO_ALLOWED_HOSTS and redirect plain
HTTP to HTTPS, so the request names the first allowed host and carries the header the TLS proxy
sets (X-Forwarded-Proto: https). Only the standard library: no Django start-up per check.
"""

import http.client
import os
import sys


def allowed_host() -> str:
    for entry in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        name = entry.strip().lstrip(".")  # ".example.org" allows example.org itself too
        if name and name != "*":
            return name
    return "localhost"


def main() -> int:
    port = int(os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        connection.request(
            "GET", "/healthz", headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"}
        )
        status = connection.getresponse().status
    except OSError as error:
        print(f"healthz: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != http.client.OK:
        print(f"healthz: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
