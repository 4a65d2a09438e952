"""Knowledge-base suggestions on new questions, learning from members' feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.suggestions._cog import SuggestionsCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> SuggestionsCog:
    """Create the cog."""
    return SuggestionsCog(services)
