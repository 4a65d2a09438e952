"""Escalation: what the community can't solve in time goes to the private staff channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.escalation._cog import EscalationCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> EscalationCog:
    """Create the cog."""
    return EscalationCog(services)
