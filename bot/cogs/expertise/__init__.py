"""Expertise: members declare topics; staff see who would be nudged for a question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.expertise._cog import ExpertiseCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> ExpertiseCog:
    """Create the cog."""
    return ExpertiseCog(app)
