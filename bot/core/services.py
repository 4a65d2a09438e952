"""The Services port: what the runtime lends every cog, instead of the App that owns it.

Cogs (and the helpers they call) see the database, the clock, the timers, the knowledge base,
the catalogue and a chat adapter per community through this narrow protocol; the App in
bot.runtime is its one implementation, and tests may bring another.

The services' own classes are named for type checking only (never imported at run time): the
port stays the lowest floor's, and cogs keep exact types. It is a module of its own, not part
of bot.core.ports, because retrieval and the scheduler import ports: naming their classes
from there would close an import circle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import aiosqlite

from bot.core.clock import Clock
from bot.core.commands import CommandTable
from bot.core.events import Event
from bot.core.identity import Community

if TYPE_CHECKING:
    from bot.core.ports import ChatAdapter
    from bot.locales import Messages
    from bot.retrieval.history import History
    from bot.retrieval.service import KnowledgeBase
    from bot.scheduler.timers import Timers
    from bot.scheduler.wakeups import Wakeups
    from bot.settings import CommunityDefaults, Settings
    from bot.storage.store import Store


class KeepsMemberData(Protocol):
    """A feature holding rows about members: it erases its part when a member asks."""

    @property
    def name(self) -> str:
        """The feature's name, for the log when erasing fails."""
        ...

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Erase one member's rows in the caller's transaction."""
        ...


class Services(Protocol):
    """What cogs may use; read-only, so any object holding these attributes fits."""

    @property
    def settings(self) -> Settings:
        """The file settings (the defaults that admin overrides sit on)."""
        ...

    @property
    def db(self) -> Store:
        """The database: `read()` and `transaction()` give a connection."""
        ...

    @property
    def clock(self) -> Clock:
        """The time every decision uses (a fake one in tests and the console)."""
        ...

    @property
    def timers(self) -> Timers:
        """Durable timers: schedule and cancel in a transaction."""
        ...

    @property
    def wakeups(self) -> Wakeups:
        """Checks that run every minute (scheduled posts, retention)."""
        ...

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base: search, articles, embeddings."""
        ...

    @property
    def history(self) -> History:
        """The community's solved threads, searchable like the articles."""
        ...

    @property
    def messages(self) -> Messages:
        """The message catalogue, in every language."""
        ...

    @property
    def commands(self) -> CommandTable:
        """Every command the loaded features declared."""
        ...

    @property
    def cogs(self) -> Sequence[KeepsMemberData]:
        """The loaded features, for erasing a member everywhere at once."""
        ...

    def chat(self, community: Community) -> ChatAdapter:
        """The chat adapter serving a community."""
        ...

    async def community_config(self, community_id: int) -> CommunityDefaults:
        """A community's effective settings (file defaults + admin overrides)."""
        ...

    def forget_config(self, community_id: int) -> None:
        """Drop cached settings after an admin change."""
        ...

    async def dispatch(self, event: Event) -> bool:
        """Route an internal event to every feature; False if it was a replay or failed."""
        ...

    async def for_each_community(
        self, what: str, work: Callable[[int, Community], Awaitable[None]]
    ) -> None:
        """Run scheduled work for every community this process serves."""
        ...
