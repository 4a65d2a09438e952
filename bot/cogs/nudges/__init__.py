"""Nudges: after a delay, ask the members most likely to know an unanswered question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.nudges._cog import NudgesCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> NudgesCog:
    """Create the cog."""
    return NudgesCog(services)
