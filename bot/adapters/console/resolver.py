"""Member and channel tokens as typed in the console: @name or name, #channel."""

from __future__ import annotations

from bot.adapters.console.state import ConsoleState


class ConsoleResolver:
    """Member and channel tokens as typed in the console: @name / name, #channel."""

    def __init__(self, state: ConsoleState) -> None:
        self.state = state

    def member(self, token: str) -> str | None:
        """A known member's name, with or without '@'."""
        name = token.removeprefix("@")
        if name.startswith("<@") and name.endswith(">"):
            name = name[2:-1]
        return name if self.state.known_member(name) else None

    def channel(self, token: str) -> str | None:
        """A console channel's name, with or without '#'."""
        name = token.removeprefix("#")
        return name if name in self.state.settings.channels else None
