"""Expertise: members declare topics; staff see who would be nudged for a question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.expertise._cog import ExpertiseCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> ExpertiseCog:
    """Create the cog."""
    return ExpertiseCog(services)
