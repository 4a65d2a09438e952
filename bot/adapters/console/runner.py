"""Running the console community: scripts, piped input, the interactive prompt, the demo."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.adapters.console import loading
from bot.adapters.console.adapter import ConsoleAdapter, ConsoleOutput
from bot.adapters.console.lines import ScriptLine
from bot.adapters.console.prompt import HISTORY_FILE, Prompt
from bot.core.clock import Clock
from bot.runtime.app import App
from bot.settings import Settings, project_dir

EXAMPLES = project_dir("examples")
DEMO_SCRIPT = EXAMPLES / "demo.txt"
# The demo plays on a fixed Thursday morning: its transcript (dates, the Monday posts after
# `wait 4d`) is the same whatever day it is run.
DEMO_START = datetime(2026, 1, 8, 10, 0, tzinfo=UTC)


async def play_script(
    settings: Settings,
    lines: Iterable[ScriptLine],
    *,
    db_path: Path,
    stream: TextIO | None,
    start: datetime | None = None,
    files_dir: Path | None = None,
) -> ConsoleAdapter:
    """Start the bot on the console, play every line, stop; returns the adapter (transcript).

    Time stands still but for `wait` lines; it starts now, or at `start`."""
    watched = loading.on_terminal()
    settings = loading.bm25_first(settings) if watched else settings
    app = App(settings, clock=Clock(start, frozen=True), db_path=db_path)
    adapter = ConsoleAdapter(app, ConsoleOutput(stream), files_dir)
    app.add_adapter(adapter)
    await _start(adapter, watched)
    try:
        await adapter.play(lines)
    finally:
        await app.stop()
    return adapter


async def _start(adapter: ConsoleAdapter, watched: bool) -> None:
    """Start the bot; with someone watching, under a progress line."""
    if watched:
        await loading.start_with_progress(adapter)
    else:
        await adapter.app.start()


async def interactive(
    settings: Settings, *, db_path: Path, stream: TextIO, files_dir: Path | None = None
) -> None:
    """A prompt where you type script lines; time runs, and `wait` jumps ahead."""
    watched = loading.on_terminal() or sys.stdin.isatty()
    settings = loading.bm25_first(settings) if watched else settings
    app = App(settings, clock=Clock(), db_path=db_path)
    adapter = ConsoleAdapter(app, ConsoleOutput(stream), files_dir)
    app.add_adapter(adapter)
    await _start(adapter, watched)
    stream.write(adapter.t("console.started") + "\n")
    number = 0
    # History beside the database: each community keeps its own.
    history = db_path.parent / HISTORY_FILE if sys.stdin.isatty() else None
    try:
        with Prompt(history) as prompt:
            while (line := await prompt.read("> ")) is not None:
                number += 1
                if isinstance(line, str) and line.strip() == "help":
                    stream.write(adapter.t("console.syntax") + "\n")
                    continue
                await adapter.feed(line, number)
    finally:
        await app.stop()


def run_demo(settings: Settings, stream: TextIO, files_dir: Path | None = None) -> None:
    """Play examples/demo.txt on a fresh temporary database; the article the demo drafts and
    approves goes to the knowledge overlay in the same temporary folder (your checkout stays
    as it was)."""
    with tempfile.TemporaryDirectory(prefix="entraide-demo-") as tmp:
        overlay = Path(tmp) / "knowledge"
        retrieval = settings.retrieval.model_copy(update={"knowledge_overlay": overlay})
        # Always its own SQLite file: a demo never writes into a shared PostgreSQL store.
        settings = settings.model_copy(update={"retrieval": retrieval, "database_url": None})
        lines = DEMO_SCRIPT.read_text(encoding="utf-8").splitlines()
        asyncio.run(
            play_script(
                settings,
                lines,
                db_path=Path(tmp) / "demo.db",
                stream=stream,
                start=DEMO_START,
                files_dir=files_dir,
            )
        )
