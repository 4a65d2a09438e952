"""While the knowledge base loads: a progress line on a terminal, then Ready."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.adapters.console.adapter import ConsoleAdapter

STEPS = 2  # the articles (BM25), then the embedding model and the vectors


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether a person watches: progress goes to stderr only when it is a terminal (a
    script run into a pipe or a file stays quiet, its transcript unchanged)."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def bm25_first(settings: Settings) -> Settings:
    """Settings that index the articles first and load the model after (the knowledge
    base's answer_while_loading), so the progress line can show the two steps."""
    retrieval = settings.retrieval.model_copy(update={"answer_while_loading": True})
    return settings.model_copy(update={"retrieval": retrieval})


async def start_with_progress(adapter: ConsoleAdapter, stream: TextIO | None = None) -> None:
    """Start the app under a "Loading the knowledge base…" progress line; "Ready" once the
    model is in too (the first line played waits for nothing)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    app = adapter.app
    console = Console(file=stream or sys.stderr)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False, redirect_stdout=False) as progress:
        task = progress.add_task(adapter.t("console.loading"), total=STEPS)
        await app.start()  # stops what it started if it fails
        progress.advance(task)
        try:
            await app.knowledge.loaded()
        except BaseException:  # Ctrl-C while the model loads: close the database too
            await app.stop()
            raise
        progress.advance(task)
    ready = adapter.t("console.ready", articles=str(len(app.knowledge.articles)))
    console.print(ready, markup=False, highlight=False)
