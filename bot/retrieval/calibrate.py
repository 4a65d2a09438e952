"""Choosing at start-up between an exact float32 computation and a faster bfloat16 one.

bfloat16 is ~2-4x faster on CPUs with native support (AVX-512 BF16, AMX) and can be slower
elsewhere. The CPU's flags say whether it can win at all (read once; without native support
nothing is measured: that took ~14 s on an AVX2 machine); where it can, the bot measures once
and remembers the answer beside the exported models, so a restart never measures again.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

# x86: AVX-512 BF16 or AMX; Arm: the BF16 extension.
NATIVE_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})
FORCE = "ENTRAIDE_BFLOAT16"  # "off" or "on" skips the CPU's flags (tests, odd hosts)


@cache
def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (Linux flags; elsewhere: no)."""
    forced = os.environ.get(FORCE, "").strip().lower()
    if forced in ("off", "on"):
        return forced == "on"
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags: set[str] = set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            flags.update(line.partition(":")[2].split())
    return bool(flags & NATIVE_FLAGS)


@cache
def cpu_name() -> str:
    """The CPU's model name (Linux), for keying remembered decisions; '' if unknown."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return ""


def remembered(path: Path | None, key: str, decide: Callable[[], bool]) -> bool:
    """The decision stored under `key` in the JSON file at `path`, else `decide()` once and
    stored (a file that can't be read or written only costs a new measurement)."""
    stored: dict[str, bool] = {}
    if path is not None:
        try:
            stored = {str(k): bool(v) for k, v in json.loads(path.read_text("utf-8")).items()}
        except (OSError, ValueError, AttributeError):
            stored = {}
        if key in stored:
            return stored[key]
    decision = decide()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(stored | {key: decision}, indent=2) + "\n", "utf-8")
        except OSError as exc:
            log.info("bfloat16 decision not remembered (%s)", exc)
    return decision


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
