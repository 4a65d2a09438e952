"""Knowledge-base commands: search, show, reload, and the gaps staff should write up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.kb._cog import KnowledgeCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> KnowledgeCog:
    """Create the cog."""
    return KnowledgeCog(services)
