"""The Cog base class and the decorators that route events to its methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from bot.core.events import Event

if TYPE_CHECKING:
    import aiosqlite

    from bot.core.services import Services

F = TypeVar("F", bound=Callable[..., Any])


def listen(*event_types: type[Event]) -> Callable[[F], F]:
    """Mark a method `async (self, ctx, event)` as a handler of these event types."""

    def mark(func: F) -> F:
        func.__entraide_listen__ = event_types  # type: ignore[attr-defined]
        return func

    return mark


def on_button(action: str) -> Callable[[F], F]:
    """Mark a method `async (self, ctx, event)` as the handler of a button action."""

    def mark(func: F) -> F:
        func.__entraide_button__ = action  # type: ignore[attr-defined]
        return func

    return mark


def on_timer(kind: str) -> Callable[[F], F]:
    """Mark a method `async (self, ctx, timer)` as what runs when a timer of `kind` is due;
    `ctx` is the timer's community (bot.runtime.context.CommunityContext)."""

    def mark(func: F) -> F:
        func.__entraide_timer__ = kind  # type: ignore[attr-defined]
        return func

    return mark


class Cog:
    """A feature: handlers for events, buttons and commands, plus its own data.

    Subclasses never import a chat platform library; they talk through `ctx` (see
    bot.runtime.context.Context) in the neutral vocabulary of bot.core, and reach the
    database, clock and knowledge base through `self.services` (bot.core.services), never
    the App.
    """

    name: ClassVar[str] = ""
    # Tables (with a member column) this cog writes; the privacy meta-test reads it.
    member_tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self, services: Services) -> None:
        self.services = services

    async def load(self) -> None:
        """Called once at start, after the database is open."""

    async def unload(self) -> None:
        """Called once at stop."""

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Erase what this cog stores about one member (privacy requests), in the caller's
        transaction: every cog's part commits together or not at all (bot/cogs/privacy).
        The member's row still holds their platform id and name here; it is anonymised last."""

    async def forget_community(self, community_id: int) -> None:
        """A community's rows were purged: drop what this cog keeps of them in memory."""
