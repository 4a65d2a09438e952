"""Privacy: members export and erase what the bot keeps about them; old texts expire."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.privacy._cog import PrivacyCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> PrivacyCog:
    """Create the cog."""
    return PrivacyCog(services)
