"""The triage queue: /questions lists what still waits for help, oldest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.queue._cog import QueueCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> QueueCog:
    """Create the cog."""
    return QueueCog(app)
