"""The question loop: questions from help channels or /ask, answers in threads, solved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.questions._cog import QuestionsCog

if TYPE_CHECKING:
    from bot.core.services import Services


def setup(services: Services) -> QuestionsCog:
    """Create the cog."""
    return QuestionsCog(services)
