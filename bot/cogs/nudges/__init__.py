"""Nudges: after a delay, ask the members most likely to know an unanswered question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.nudges._cog import NudgesCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> NudgesCog:
    """Create the cog."""
    return NudgesCog(app)
