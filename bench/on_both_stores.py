"""The command line the benchmarks measured on SQLite and PostgreSQL side by side share:
--backends, --pg-analyze, and the machine's load before and after (figures mean little on a
busy machine)."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable

from tests.queries.timing import BACKENDS, backends_answering


def load() -> str:
    """The load averages, as 1.00/0.80/0.50."""
    return "/".join(f"{n:.2f}" for n in os.getloadavg())


def main(
    prog: str, run: Callable[[list[str], bool], Awaitable[None]], argv: list[str] | None
) -> None:
    """Parse --backends and --pg-analyze, then run(backends that answer, analyze)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql")
    parser.add_argument(
        "--pg-analyze",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="VACUUM (ANALYZE) the PostgreSQL copy before measuring (as autovacuum would)",
    )
    args = parser.parse_args(argv)
    print(f"load at the start: {load()}", flush=True)
    asyncio.run(run(asyncio.run(backends_answering(args.backends)), args.pg_analyze))
    print(f"load at the end: {load()}")
