"""Admin commands: per-community settings and channels, and the command list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.admin._cog import AdminCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> AdminCog:
    """Create the cog."""
    return AdminCog(app)
