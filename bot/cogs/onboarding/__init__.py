"""Onboarding: turn helped members into helpers with one well-aimed invitation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.onboarding._cog import OnboardingCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> OnboardingCog:
    """Create the cog."""
    return OnboardingCog(app)
