"""Insights: community health figures for staff, on demand and in a weekly report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.insights._cog import InsightsCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> InsightsCog:
    """Create the cog."""
    return InsightsCog(app)
