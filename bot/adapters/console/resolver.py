"""Member, channel and message tokens as typed in the console."""

from __future__ import annotations

from bot.adapters.console.state import ConsoleState


class ConsoleResolver:
    """Tokens as typed in the console: @name / name, #channel, M3 / ^name."""

    def __init__(self, state: ConsoleState, viewer: str = "") -> None:
        self.state = state
        self.viewer = viewer

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

    def message(self, token: str) -> str | None:
        """The platform id of M<n>, or of ^NAME (NAME's latest message the viewer can see)."""
        if token.startswith("^"):
            found = self.state.latest_by(token[1:], self.viewer)
        else:
            found = self.state.messages.get(token.upper())
            if found is not None and not self.state.visible_to(found, self.viewer):
                found = None
        return found.platform_id if found else None
