"""Benchmark: the capacity forecast's simulation, 1,000 runs x 40 centres x 4 quarters.

Synthetic, fictional centres with 2-10 referrals a month and a few planned places. Prints the
best and the median of several timed calls of `forecast`.

    .venv/bin/python bench/capacity.py [--runs 1000] [--centres 40] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groupwork.reports.capacity import (  # noqa: E402 (after the path is set)
    CentreHistory,
    ForecastInputs,
    forecast,
)


def synthetic_inputs(runs: int, centres: int) -> ForecastInputs:
    return ForecastInputs(
        centres=tuple(
            CentreHistory(
                name=f"Centre {n}",
                monthly_referrals=tuple(float(2 + (n * month) % 9) for month in range(12)),
                planned_places=(11 * (n % 2), 0, 5, 0),
            )
            for n in range(centres)
        ),
        pathway_mix={"lower": 3, "medium": 5, "higher": 2},
        pathways_needing_induction=frozenset({"lower", "medium", "higher"}),
        attrition_before_start=0.2,
        group_size_minimum=8,
        group_size_maximum=11,
        runs=runs,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--centres", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    inputs = synthetic_inputs(args.runs, args.centres)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        forecast(inputs)
        times.append(time.perf_counter() - started)
    print(
        f"{args.runs} runs x {args.centres} centres x 4 quarters: "
        f"best {min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
