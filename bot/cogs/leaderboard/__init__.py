"""Leaderboards: on demand, and posted on a schedule for each period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.leaderboard._cog import LeaderboardCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> LeaderboardCog:
    """Create the cog."""
    return LeaderboardCog(app)
