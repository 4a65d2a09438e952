"""Reputation: points for helpful and accepted answers, abuse checks, ranks, /rep."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.reputation._cog import ReputationCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> ReputationCog:
    """Create the cog."""
    return ReputationCog(services)
