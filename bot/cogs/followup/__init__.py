"""Follow-up: remind askers to accept a helpful answer; close answered, quiet questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.followup._cog import FollowupCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> FollowupCog:
    """Create the cog."""
    return FollowupCog(services)
