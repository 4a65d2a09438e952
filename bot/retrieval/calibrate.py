"""Choosing at start-up between an exact float32 computation and a faster bfloat16 one.

bfloat16 is ~2-4x faster on CPUs with native support (AVX-512 BF16, AMX) and can be slower
elsewhere, so the bot measures instead of guessing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

WORTH_IT = 0.7  # take the fast path only if it takes at most this share of the exact time


def best_time(run: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of `run` in seconds, after one warm-up call."""
    run()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def faster(exact: Callable[[], object], fast: Callable[[], object]) -> tuple[bool, float, float]:
    """(whether `fast` is worth it, exact seconds, fast seconds)."""
    exact_s, fast_s = best_time(exact), best_time(fast)
    return fast_s <= WORTH_IT * exact_s, exact_s, fast_s
