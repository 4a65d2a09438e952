"""Escalation: what the community can't solve in time goes to the private staff channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.escalation._cog import EscalationCog

if TYPE_CHECKING:
    from bot.runtime.app import App


def setup(app: App) -> EscalationCog:
    """Create the cog."""
    return EscalationCog(app)
