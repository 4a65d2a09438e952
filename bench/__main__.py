"""python -m bench: run every benchmark and print its figures."""

from __future__ import annotations

import asyncio

from bench import (
    community_replay,
    console_throughput,
    history_eval,
    insights_bench,
    reputation_bench,
    retrieval_bench,
)


def main() -> None:
    """Run the benchmarks one after the other."""
    asyncio.run(console_throughput.run())
    asyncio.run(retrieval_bench.run())
    asyncio.run(reputation_bench.run())
    asyncio.run(insights_bench.run())
    asyncio.run(community_replay.run())
    asyncio.run(history_eval.run())


if __name__ == "__main__":
    main()
