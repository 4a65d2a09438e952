"""The command, shortcut or click being handled: private replies to its user go back through
its response URL (ephemeral, "Only visible to you"), not as new channel messages. A context
variable carries it: it follows the handling task and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.render import Outgoing
from bot.core.replies import Reply

Respond = Callable[..., Awaitable[Any]]


@dataclass
class Pending:
    """An acknowledged interaction of `user_id`, answered through `respond`."""

    user_id: str
    respond: Respond
    answered: bool = False


_current: ContextVar[Pending | None] = ContextVar("entraide_slack_interaction", default=None)


@contextmanager
def handling(user_id: str, respond: Respond) -> Iterator[Pending]:
    """While the block runs, private replies to `user_id` answer this interaction."""
    pending = Pending(user_id, respond)
    token = _current.set(pending)
    try:
        yield pending
    finally:
        _current.reset(token)


def pending_for(reply: Reply) -> Pending | None:
    """The interaction being handled, if this private reply is for its user."""
    pending = _current.get()
    if pending is None or reply.ephemeral_to != pending.user_id:
        return None
    return pending


async def follow_up(pending: Pending, pieces: list[Outgoing]) -> None:
    """Ephemeral messages to the interaction's user, through its response URL."""
    for piece in pieces:
        await pending.respond(
            text=piece.text,
            blocks=piece.blocks,
            response_type="ephemeral",
            replace_original=False,
        )
        pending.answered = True
