"""Follow-up: remind askers to accept a helpful answer; close answered, quiet questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.followup._cog import FollowupCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> FollowupCog:
    """Create the cog."""
    return FollowupCog(app)
