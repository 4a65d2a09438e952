"""App: owns settings, storage, clock, cogs and adapters; start and stop. Cogs see it
through the Services port (bot.core.services), never as the App."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bot.core.clock import Clock
from bot.core.cog import Cog
from bot.core.commands import CommandTable
from bot.core.events import Event
from bot.core.identity import Community
from bot.core.ports import ChatAdapter
from bot.locales import Messages
from bot.retrieval.history import History
from bot.retrieval.service import EmbedderLoader
from bot.retrieval.service import from_settings as knowledge_from_settings
from bot.runtime.dispatcher import Dispatcher, Handled
from bot.runtime.registry import cog_modules
from bot.scheduler.timers import Timers
from bot.scheduler.wakeups import Wakeups
from bot.settings import CommunityDefaults, Settings, community_config
from bot.storage import communities
from bot.storage.communities import ensure_community
from bot.storage.purge import Purge, purge_by_key
from bot.storage.scope import writing_for
from bot.storage.store import open_store

log = logging.getLogger(__name__)


def _shared(settings: Settings) -> bool:
    """Whether ENTRAIDE_DATABASE_URL names PostgreSQL: then a db_path only anchors the data
    folder (knowledge overlay, heartbeat, files)."""
    return settings.database().kind == "postgresql"


class App:
    """The running bot: one per process, whatever the platforms."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        db_path: Path | None = None,
        embedder_loader: EmbedderLoader | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        url = settings.database(None if _shared(settings) else db_path)
        self.db = open_store(
            url,
            data_path=db_path or settings.storage.db_path,
            busy_timeout_ms=settings.storage.busy_timeout_ms,
        )
        self.messages = Messages()
        self.knowledge = knowledge_from_settings(
            settings.retrieval, self.db, self.clock, embedder_loader
        )
        self.history = History(self.db, self.knowledge, self.clock)
        self.dispatcher = Dispatcher(self)
        scheduler = settings.scheduler
        self.wakeups = Wakeups(self.clock, tick_seconds=scheduler.tick_seconds)
        self.timers = Timers(
            self.db,
            self.clock,
            self.wakeups,
            lease=timedelta(seconds=scheduler.lease_seconds),
            serves=self.serves_community,
        )
        if settings.retrieval.follow_seconds:
            self.wakeups.every(
                "knowledge", settings.retrieval.follow_seconds, self.knowledge.follow
            )
        self.cogs: list[Cog] = []
        self.adapters: dict[str, ChatAdapter] = {}
        self._config_cache: dict[int, CommunityDefaults] = {}

    @property
    def commands(self) -> CommandTable:
        """Every command the loaded cogs declared."""
        return self.dispatcher.commands

    def add_adapter(self, adapter: ChatAdapter) -> None:
        """Attach a chat platform; replies to its communities go through it."""
        self.adapters[adapter.platform] = adapter

    def chat(self, community: Community) -> ChatAdapter:
        """The adapter serving a community."""
        return self.adapters[community.platform]

    def serves(self, community: Community) -> bool:
        """Whether this process serves the community: its platform is attached here and,
        when processes split a platform (Discord shards), its part is this one's. Several
        processes may share one database, each serving some of its communities."""
        adapter = self.adapters.get(community.platform)
        if adapter is None:
            return False
        owns = getattr(adapter, "serves", None)
        return True if owns is None else bool(owns(community))

    async def serves_community(self, community_id: int) -> bool:
        """serves() by row id (timers know their community by id)."""
        async with self.db.read() as conn:
            community = await communities.by_id(conn, community_id)
        return community is not None and self.serves(community)

    async def start(self, *, platforms_first: bool = False) -> None:
        """Open the database, load every cog, then catch up on scheduled work.

        With `platforms_first` (serving Discord or Slack), scheduled work and the embedding
        model wait for platforms_ready(): timers need a connection to send through, and the
        model's load (seconds of CPU) would slow the platforms' connections; until the model
        is in, the knowledge base answers from BM25. The console, demo and tests keep
        `platforms_first` off: everything is in place when start() returns.

        A failure part-way stops what was started: an open database connection would
        otherwise keep the process alive after the error.
        """
        try:
            await self.db.open()
            await self.knowledge.start(model_later=platforms_first)
            for module in cog_modules():
                cog: Cog = module.setup(self)
                self.dispatcher.register(cog)
                await cog.load()
                self.cogs.append(cog)
                log.info("loaded cog %s", cog.name)
            # Last: timers and scheduled posts need the cogs and the adapters (attached
            # before start); overdue ones fire on the first wake-up.
            await self.timers.start()
            if not platforms_first:
                await self.wakeups.start()
        except BaseException:
            await self.stop()
            raise

    async def platforms_ready(self) -> None:
        """Every platform of the process can send: fire overdue timers and missed scheduled
        posts, tick from now on, and load the embedding model in the background."""
        if self.wakeups.started:
            return
        log.info("every platform is ready: catching up on scheduled work")
        self.knowledge.load_model()
        await self.wakeups.start()

    async def stop(self) -> None:
        """Unload cogs (each failure logged) and close the database."""
        self.wakeups.stop()
        for cog in reversed(self.cogs):
            try:
                await cog.unload()
            except Exception:
                log.exception("cog %s failed to unload", cog.name)
        self.cogs.clear()
        await self.knowledge.close()
        try:
            await self.timers.release()
        except Exception:  # a database that never opened (a failed start): nothing to give back
            log.debug("no timer leases released", exc_info=True)
        await self.db.close()

    async def dispatch(self, event: Event) -> bool:
        """Route an event from an adapter to the cogs; False if replayed, ignored or failed."""
        return await self.handle(event) == "done"

    async def handle(self, event: Event) -> Handled:
        """Route an event to the cogs and say how it went ("unseen": about a message not
        seen yet, not marked processed; adapters queue it again)."""
        return await self.dispatcher.handle(event)

    async def community_config(self, community_id: int) -> CommunityDefaults:
        """Effective settings of a community (file defaults + admin overrides)."""
        cached = self._config_cache.get(community_id)
        if cached is None:
            async with self.db.read() as conn:
                overrides = await community_config.load_overrides(conn, community_id)
            cached = community_config.effective(self.settings.community, overrides)
            self._config_cache[community_id] = cached
        return cached

    async def community_id(self, community: Community) -> int:
        """Row id of a community, created on first use."""
        async with self.db.transaction() as tx:
            return await ensure_community(tx, community, self.clock.now())

    async def language_of(self, community: Community) -> str:
        """The language a community's messages are written in."""
        return (await self.community_config(await self.community_id(community))).language

    async def for_each_community(
        self, what: str, work: Callable[[int, Community], Awaitable[None]]
    ) -> None:
        """Scheduled work for every community a platform of this process serves; one
        community's failure is logged and the others go on."""
        async with self.db.read() as conn:
            found = await communities.every(conn)
        for community_id, community in found:
            if not self.serves(community):
                continue
            try:
                with writing_for(community_id):
                    await work(community_id, community)
            except Exception:
                log.exception("%s failed for community %s", what, community.key)

    async def purge_community(self, community: Community) -> Purge | None:
        """Erase everything stored about a community (the platform removed the bot); None
        if nothing was stored. Caches go too: a reinstall may get the same row ids."""
        result = await purge_by_key(self.db, community.platform, community.id)
        if result is not None:
            self.forget_config(result.community_id)
            self.history.forget(result.community_id)
            for cog in self.cogs:
                await cog.forget_community(result.community_id)
            log.warning("purged community %s: %s", community.key, result.deleted)
        return result

    def forget_config(self, community_id: int) -> None:
        """Drop the cached settings after an admin change."""
        self._config_cache.pop(community_id, None)
