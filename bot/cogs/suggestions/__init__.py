"""Knowledge-base suggestions on new questions, learning from members' feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.suggestions._cog import SuggestionsCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> SuggestionsCog:
    """Create the cog."""
    return SuggestionsCog(app)
