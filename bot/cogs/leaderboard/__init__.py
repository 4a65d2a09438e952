"""Leaderboards: on demand, and posted on a schedule for each period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.leaderboard._cog import LeaderboardCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> LeaderboardCog:
    """Create the cog."""
    return LeaderboardCog(services)
