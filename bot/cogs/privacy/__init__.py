"""Privacy: members export and erase what the bot keeps about them; old texts expire."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.privacy._cog import PrivacyCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> PrivacyCog:
    """Create the cog."""
    return PrivacyCog(app)
