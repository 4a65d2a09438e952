"""Knowledge-base commands: search, show, reload, and the gaps staff should write up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.kb._cog import KnowledgeCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> KnowledgeCog:
    """Create the cog."""
    return KnowledgeCog(app)
