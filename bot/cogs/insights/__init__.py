"""Insights: community health figures for staff, on demand and in a weekly report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.insights._cog import InsightsCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> InsightsCog:
    """Create the cog."""
    return InsightsCog(services)
