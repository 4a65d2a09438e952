"""A console community driven from tests: feed script lines, read the transcript and the
facts of each message (who, where, which question, which buttons)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bot.adapters.console.adapter import ConsoleAdapter, ConsoleOutput
from bot.adapters.console.state import ConsoleMessage
from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.core.replies import MENTION_RE
from bot.locales import Messages, placeholders
from bot.runtime.app import App
from bot.settings import Settings
from tests.fakes import backends
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.settings import make_settings

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday morning
QUESTION_REF = re.compile(r"\bQ\d+\b")
_MESSAGES = Messages()


def message(key: str, /, *, lang: str = "en", **params: Any) -> str:
    """The catalogue message `key` as the bot sends it (mentions as <@name>): a test names
    which message with which values, so rewording the catalogue doesn't break it."""
    # Messages.get falls back quietly (the key itself, an unfilled template): in a test a
    # mistyped key or a forgotten value must fail here, not compare against a fallback.
    template = _MESSAGES.catalogues[lang].get(key, _MESSAGES.catalogues["en"].get(key))
    if template is None:
        raise KeyError(f"no message {key!r} in the catalogue")
    missing = placeholders(template) - params.keys()
    if missing:
        raise KeyError(f"message {key!r} needs {', '.join(sorted(missing))}")
    return _MESSAGES.get(lang, key, **params)


@dataclass(frozen=True)
class Said:
    """One message as facts, not wording: tests that compare these survive a reworded line."""

    author: str
    where: str  # "#help", "#help › Q3", "DM → bob" or "only bob", as the transcript shows it
    mentions: tuple[str, ...] = ()  # members it mentions, in order
    questions: tuple[str, ...] = ()  # question refs it names (Q3), in order
    buttons: tuple[str, ...] = ()  # labels of the buttons it carries now


class ConsoleDriver:
    """Feeds lines to a running console community and returns what they printed."""

    def __init__(self, app: App, adapter: ConsoleAdapter) -> None:
        self.app = app
        self.adapter = adapter
        self.line_number = 0

    @property
    def transcript(self) -> list[str]:
        """Every line printed so far."""
        return self.adapter.output.lines

    async def feed(self, *lines: str) -> list[str]:
        """Play lines in order; returns the transcript lines they produced."""
        before = len(self.transcript)
        for line in lines:
            self.line_number += 1
            await self.adapter.feed(line, self.line_number)
        return self.transcript[before:]

    def _message(self, line: str) -> ConsoleMessage:
        # Every message line, in a channel, "(only bob)" or "[DM → bob]", starts with its M<n>.
        return self.adapter.state.messages[line.split(" ", 1)[0]]

    def text(self, line: str) -> str:
        """The raw text of the message a transcript line shows (mentions as <@name>), as
        the bot sent it: compare it with message(key, ...)."""
        return self._message(line).text

    def facts(self, lines: list[str]) -> list[tuple[Said, str]]:
        """(said, text) of each message among `lines`; continuation and notice lines are
        skipped. Both are the message as it is now (an edited one shows its new text)."""
        known = self.adapter.state.messages
        return [(self.said(x), self.text(x)) for x in lines if x.split(" ", 1)[0] in known]

    def said(self, line: str) -> Said:
        """The facts of the message a transcript line shows (found by its M<n>)."""
        state = self.adapter.state
        message = self._message(line)
        if message.private_to is not None:
            where = f"only {message.private_to}"
        elif message.dm_to is not None:
            where = f"DM → {message.dm_to}"
        else:
            label = state.thread_label(message.thread_id)
            where = f"#{message.channel}" + (f" › {label}" if label else "")
        return Said(
            author=message.author,
            where=where,
            mentions=tuple(MENTION_RE.findall(message.text)),
            questions=tuple(QUESTION_REF.findall(message.text)),
            buttons=tuple(b.label for b in message.buttons),
        )


@asynccontextmanager
async def console_community(
    db_path: Path,
    settings: Settings | None = None,
    start: datetime = START,
    embedder: Embedder | Literal["fake"] | None = "fake",
    knowledge_dir: Path | None = None,
    before_start: Callable[[App], None] | None = None,
    frozen: bool = True,
) -> AsyncIterator[ConsoleDriver]:
    """A started bot with the console adapter on a database file; stopped afterwards.

    The knowledge base is empty (so the bot suggests nothing) unless `knowledge_dir` is
    given; it embeds with a FakeEmbedder unless a real one (or None: lexical-only) is given.
    `before_start(app)` runs before the bot starts (e.g. to register a timer handler).
    """
    chosen = FakeEmbedder() if embedder == "fake" else embedder
    chosen_settings = make_settings(db_path.parent, base=settings, knowledge_dir=knowledge_dir)
    url = await backends.database_url(db_path)
    if url is not None:  # TEST_DATABASE_BACKEND=postgresql
        chosen_settings = chosen_settings.model_copy(update={"database_url": url})
    app = App(
        chosen_settings,
        clock=Clock(start, frozen=frozen),
        db_path=db_path,
        embedder_loader=lambda: chosen,
    )
    adapter = ConsoleAdapter(app, ConsoleOutput())
    app.add_adapter(adapter)
    if before_start is not None:
        before_start(app)
    await app.start()
    try:
        yield ConsoleDriver(app, adapter)
    finally:
        await app.stop()
