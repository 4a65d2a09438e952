"""Member, channel and message tokens as typed in the console."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.console.state import ConsoleState
from bot.core.commands import split_words
from bot.core.identity import Community
from bot.storage import communities

if TYPE_CHECKING:
    from bot.runtime.app import App

COMMUNITY = Community("console", "local", "Console community")


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
        if name in self.state.stored:
            return self.state.stored[name]
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


async def recall_members(app: App, state: ConsoleState, text: str) -> None:
    """Look up in the database the members a command line may name (`/rep uu2` on a
    database from earlier sessions), so the resolver finds them."""
    names = {w.removeprefix("@").strip("<>@") for w in split_words(text)}
    names = {n for n in names if n and not state.known_member(n)}
    if not names:
        return
    community_id = await app.community_id(COMMUNITY)
    async with app.db.read() as conn:
        state.stored.update(await communities.members_named(conn, community_id, names))
