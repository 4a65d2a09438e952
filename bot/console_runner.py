"""Running the console community: scripts, piped input, the interactive prompt, the demo."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.adapters.console.adapter import ConsoleAdapter, ConsoleOutput
from bot.adapters.console.lines import ScriptLine
from bot.app import App
from bot.core.clock import Clock
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
    app = App(settings, clock=Clock(start, frozen=True), db_path=db_path)
    adapter = ConsoleAdapter(app, ConsoleOutput(stream), files_dir)
    app.add_adapter(adapter)
    await app.start()
    try:
        await adapter.play(lines)
    finally:
        await app.stop()
    return adapter


async def interactive(
    settings: Settings, *, db_path: Path, stream: TextIO, files_dir: Path | None = None
) -> None:
    """A prompt where you type script lines; time runs, and `wait` jumps ahead."""
    app = App(settings, clock=Clock(), db_path=db_path)
    adapter = ConsoleAdapter(app, ConsoleOutput(stream), files_dir)
    app.add_adapter(adapter)
    await app.start()
    stream.write(adapter.t("console.started") + "\n")
    loop = asyncio.get_running_loop()
    number = 0
    try:
        while True:
            stream.write("> ")
            stream.flush()
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            number += 1
            if line.strip() == "help":
                stream.write(adapter.t("console.syntax") + "\n")
                continue
            await adapter.feed(line, number)
    finally:
        await app.stop()


def run_demo(settings: Settings, stream: TextIO, files_dir: Path | None = None) -> None:
    """Play examples/demo.txt on a fresh temporary database and a copy of the knowledge base
    (the demo drafts and approves an article: your checkout stays as it was)."""
    with tempfile.TemporaryDirectory(prefix="entraide-demo-") as tmp:
        source = settings.retrieval.knowledge_dir
        source = source if source.is_absolute() else project_dir(str(source))
        knowledge = Path(tmp) / "knowledge"
        shutil.copytree(source, knowledge, ignore=shutil.ignore_patterns("drafts"))
        retrieval = settings.retrieval.model_copy(update={"knowledge_dir": knowledge})
        settings = settings.model_copy(update={"retrieval": retrieval})
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
