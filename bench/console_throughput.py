"""How fast the question loop handles events: questions, answers and solves on the console."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bot.adapters.console.adapter import ConsoleAdapter, ConsoleOutput
from bot.core.clock import Clock
from bot.runtime.app import App
from bot.settings import load_settings

QUESTIONS = 300


def script(questions: int) -> list[str]:
    """A busy day: each question gets two answers, a reaction and a solve."""
    lines = []
    for n in range(1, questions + 1):
        lines += [
            f"alice: Question number {n}: how do I configure feature {n}?",
            f"bob reply Q{n}: Open settings and look for feature {n}.",
            f"carol reply Q{n}: Also check the docs page for {n}.",
            "dave react ^bob ✅",
            f"alice /solved Q{n}",
        ]
    return lines


async def run() -> None:
    """Play the script on a fresh database file and print per-event latency figures."""
    lines = script(QUESTIONS)
    with tempfile.TemporaryDirectory() as tmp:
        app = App(load_settings(environ={}), clock=Clock(frozen=True), db_path=Path(tmp) / "b.db")
        adapter = ConsoleAdapter(app, ConsoleOutput())
        app.add_adapter(adapter)
        await app.start()
        timings = []
        started = time.perf_counter()
        for number, line in enumerate(lines, start=1):
            t0 = time.perf_counter()
            await adapter.feed(line, number)
            timings.append(time.perf_counter() - t0)
        total = time.perf_counter() - started
        await app.stop()
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99)] * 1000
    print(
        f"console_throughput: {len(lines)} actions in {total:.2f}s "
        f"({len(lines) / total:.0f}/s), p50 {p50:.2f} ms, p99 {p99:.2f} ms per action"
    )
