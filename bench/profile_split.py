"""Where each page's time goes, from a sampling profile of bench/pages.py.

py-spy (installed apart from the project: `pip install py-spy`) samples the benchmark without
slowing each call the way cProfile does, and writes each sampled stack as a line:

    py-spy record --idle --nonblocking -r 200 -f raw -o /tmp/pages.txt -- \\
        .venv/bin/python bench/pages.py --repeat 80 --area west-mercia
    .venv/bin/python bench/profile_split.py /tmp/pages.txt

For each view it prints the share of its samples in each layer, named by the innermost frame
of the stack that belongs to one: waiting on PostgreSQL, the ORM compiling SQL, building a
query, making rows into models, Django's and Jinja2's templates, form fields, Redis, or the
view's own code. `--idle` keeps the samples taken while the process waits for PostgreSQL,
so the database's share is of the wall time.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

# The views bench/pages.py requests, as py-spy names their frames.
VIEWS = (
    "participant_detail",
    "caseload",
    "dashboard",
    "session_register",
    "waiting_list",
    "group_detail",
    "group_list",
    "audit_log",
    "reports",
    "layout",
    "bare",
)
# A frame's file (as py-spy prints it) and the layer it belongs to.
LAYERS = (
    ("psycopg/", "PostgreSQL (wait and driver)"),
    ("django/template/", "Django templates"),
    ("jinja2/", "Jinja2 templates"),
    ("markupsafe/", "Jinja2 templates"),
    ("django/forms/", "form fields"),
    ("sql/compiler.py", "ORM compiling SQL"),
    ("sql/query.py", "ORM building queries"),
    ("sql/where.py", "ORM building queries"),
    ("models/query.py", "ORM rows"),
    ("models/base.py", "ORM rows into models"),
    ("redis/", "Redis"),
)
VIEW_FRAME = re.compile(rf"^({'|'.join(VIEWS)}) \((groupwork|bench)/")


def layer(frames: list[str]) -> str:
    """The layer of the innermost frame that belongs to one, else the view's own code."""
    for frame in reversed(frames):
        for path, name in LAYERS:
            if path in frame:
                return name
    return "own code and the rest"


def split(profile: Path) -> dict[str, Counter[str]]:
    shares: dict[str, Counter[str]] = defaultdict(Counter)
    for line in profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        for index, frame in enumerate(frames):
            if match := VIEW_FRAME.match(frame):
                shares[match[1]][layer(frames[index + 1 :])] += int(count)
                break
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path, help="py-spy's raw output (-f raw)")
    shares = split(parser.parse_args().profile)
    for view, layers in sorted(shares.items(), key=lambda item: -item[1].total()):
        total = layers.total()
        parts = ", ".join(f"{name} {100 * n / total:.0f}%" for name, n in layers.most_common())
        print(f"{view} ({total} samples): {parts}")


if __name__ == "__main__":
    main()
