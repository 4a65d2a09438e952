"""Onboarding: turn helped members into helpers with one well-aimed invitation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.onboarding._cog import OnboardingCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> OnboardingCog:
    """Create the cog."""
    return OnboardingCog(services)
