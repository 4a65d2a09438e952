"""The interactive prompt: line editing and history (readline) when stdin is a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from pathlib import Path
from types import ModuleType, TracebackType

from bot.adapters.console.lines import ScriptLine, Undecodable, from_text

log = logging.getLogger(__name__)

HISTORY_LENGTH = 1000  # lines kept in the history file
HISTORY_FILE = "console_history"


def _readline() -> ModuleType | None:
    """The standard library's readline, where the platform has it (not on plain Windows)."""
    try:
        import readline
    except ImportError:
        return None
    return readline


class Prompt:
    """Reads typed lines; ↑/↓ recall earlier ones, saved in `history` between sessions."""

    def __init__(self, history: Path | None) -> None:
        self.history = history
        self.readline = _readline() if history is not None else None

    def __enter__(self) -> Prompt:
        if self.readline is not None and self.history is not None:
            self.readline.set_history_length(HISTORY_LENGTH)
            with contextlib.suppress(OSError):  # no history yet, or unreadable: start afresh
                self.readline.read_history_file(self.history)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.readline is not None and self.history is not None:
            try:
                self.readline.write_history_file(self.history)
            except OSError as exc:
                log.warning("console history not saved to %s: %s", self.history, exc)

    async def read(self, text: str) -> ScriptLine | None:
        """The next line typed after `text`, or None at the end of input (Ctrl-D).

        input() runs in a daemon thread: an executor's thread would keep the process
        waiting for a line after Ctrl-C."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ScriptLine | None] = loop.create_future()

        def settle(result: ScriptLine | None) -> None:
            if not future.done():
                future.set_result(result)

        def work() -> None:
            result: ScriptLine | None
            try:
                result = from_text(input(text))
            except UnicodeDecodeError as exc:
                result = Undecodable(exc.object[exc.start], exc.start + 1)
            except (EOFError, OSError, ValueError):
                result = None
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(settle, result)

        threading.Thread(target=work, name="console-prompt", daemon=True).start()
        return await future
