"""Admin commands: per-community settings and channels, and the command list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.admin._cog import AdminCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> AdminCog:
    """Create the cog."""
    return AdminCog(services)
