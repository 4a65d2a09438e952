"""The triage queue: /questions lists what still waits for help, oldest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.queue._cog import QueueCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> QueueCog:
    """Create the cog."""
    return QueueCog(services)
