"""The Discord transport: a discord.py client whose events go to the app as neutral events,
and the Chat port the cogs reply through.

Messages (their deletions and edits: see changes), threads, raw reactions, persistent
buttons, DMs (their buttons: see dm), roles; interactions (slash commands, context menus,
buttons) are handled by the Responder.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord import arrivals, commands, lookup, render, responder, sweep
from bot.adapters.discord.arrivals import Arrivals
from bot.adapters.discord.changes import Changes
from bot.adapters.discord.closing import close_client
from bot.adapters.discord.commands import AppCommands, build
from bot.adapters.discord.connection import ready_or_raise
from bot.adapters.discord.marks import Marks
from bot.adapters.discord.responder import Responder
from bot.adapters.sequencer import Key, Sequencer
from bot.core.commands import CommandSpec
from bot.core.events import Event
from bot.core.identity import Community, Conversation
from bot.core.ports import ChannelInfo, DeliveryError, LookupKind
from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.runtime.app import App

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Guilds, members, messages, message content and reactions (see README for why)."""
    chosen = discord.Intents.none()
    chosen.guilds = chosen.members = chosen.guild_messages = chosen.dm_messages = True
    chosen.message_content = chosen.guild_reactions = True
    return chosen


class DiscordAdapter:
    """Implements the Chat port on Discord; owns the discord.py client."""

    platform = "discord"

    def __init__(
        self,
        app: App,
        *,
        shards: int | None = 0,
        shard_ids: tuple[int, ...] | None = None,
        **client_options: Any,
    ) -> None:
        self.app = app
        # shards 0: one gateway connection; N (None: Discord's count): all shards in this
        # process, or only `shard_ids` of them (the others run in other processes).
        kind = discord.Client if shards == 0 else discord.AutoShardedClient
        sharding: dict[str, Any] = {} if shards == 0 else {"shard_count": shards}
        if shard_ids is not None:
            sharding["shard_ids"] = list(shard_ids)
        # Nothing pings unless a reply names the member (discord.py allows everything).
        self.client = kind(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            **sharding,
            **client_options,
        )
        self._forbidden: set[int] = set()
        self._unknown: set[tuple[str, str]] = set()  # channel names logged as missing
        # Each gateway event takes its turn in its channel's line on arrival (see arrivals).
        self.sequencer = Sequencer()
        Arrivals(self).register()  # messages and reactions
        self.client.event(self.on_interaction)
        Changes(self).register()  # deleted and edited messages
        # The port's show_state: forum tags and ✅ for question states.
        self.show_state = Marks(self).show
        # A new session sweeps what was missed: one shard's re-IDENTIFY fires only
        # shard_ready, so sharded clients sweep per shard (and not again on ready).
        self.client.event(self.on_shard_ready if shards != 0 else self.on_ready)
        self.connected = asyncio.Event()  # the first READY: timers may fire (see serve.py)
        self.closing = False  # close() began: a READY arriving now starts no sweep
        self.client.setup_hook = self.setup_hook  # type: ignore[method-assign]
        self.responder = Responder(
            AppCommands(), app.messages, self.dispatch, app.language_of, app.clock.now
        )

    def serves(self, community: Community) -> bool:
        """Whether the guild is on one of this process's shards (all of them unless
        discord_shard_ids split them across processes): Discord's rule, (id >> 22) % count."""
        ids = getattr(self.client, "shard_ids", None)
        count = getattr(self.client, "shard_count", None)
        if not ids or not count or not community.id.isdigit():
            return True
        return (int(community.id) >> 22) % int(count) in ids

    def line(self, guild_id: int | None, channel_id: int) -> Key:
        """The line of a channel or a thread (see arrivals), from the cache only."""
        return arrivals.line(self.client, guild_id, channel_id)

    async def on_ready(self) -> None:
        """After each new gateway session (not a RESUME): catch up on what was missed."""
        if self.closing:  # discord.py fires it ~2 s after READY: maybe after a SIGTERM
            return
        self.connected.set()
        await sweep.run(self)

    async def on_shard_ready(self, shard_id: int) -> None:
        """After a shard's new session: catch up on its guilds."""
        if self.closing:
            return
        self.connected.set()
        await sweep.run(self, shard_id)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Slash commands, context menus, autocomplete and our buttons."""
        await self.responder.handle(interaction)

    async def setup_hook(self) -> None:
        """After login, before the gateway: register the application commands (one bulk
        overwrite; Discord counts only real changes against its daily creation limit)."""
        self.responder.commands = build(
            self.app.dispatcher.commands.specs.values(), self.app.messages
        )
        application_id = self.client.application_id
        if application_id is None:
            log.error("no application id after login: slash commands not registered")
            return
        try:
            await self.client.http.bulk_upsert_global_commands(
                application_id, self.responder.commands.payload
            )
        except discord.HTTPException as exc:
            log.error("could not register slash commands (%s): %s", exc.status, exc.text)
        else:
            log.info("registered %d application commands", len(self.responder.commands.payload))

    async def close(self, drain_timeout: float = 10.0) -> None:
        """Stop sweeping, let running handlers finish, then close the client (closing.py)."""
        self.closing = True
        await close_client(self.client, drain_timeout)

    async def dispatch(self, event: Event) -> bool:
        """Hand one neutral event to the app, in its channel's line (taken now)."""
        return await self.sequencer.dispatch(event, self.app.handle) == "done"

    async def send(self, community: Community, where: Conversation, reply: Reply) -> str:
        """Post in a channel or thread; a private reply goes by DM (no interaction here)."""
        pending = responder.pending_for(reply)
        if pending is not None:  # the user of the interaction being handled
            return await responder.follow_up(pending, reply)
        if reply.ephemeral_to is not None:  # no interaction to answer: Discord has only DMs
            return await self.send_dm(community, reply.ephemeral_to, reply)
        channel = self._target(community, where.thread_id or where.channel_id)
        last = ""
        for piece in render.messages(reply):
            try:
                sent = await channel.send(**render.send_kwargs(piece))
            except discord.Forbidden as exc:
                # A neutral error (cogs never see discord types), without discord.py's
                # HTTP internals chained: the cause is logged once, in words an admin can act on.
                needs = "Send Messages in Threads" if where.thread_id else "Send Messages"
                raise self._forbidden_once(channel, needs, exc) from None
            last = str(sent.id)
        return last

    async def send_dm(self, community: Community, member_id: str, reply: Reply) -> str:
        """A direct message; DeliveryError when their DMs are closed (callers fall back)."""
        ready_or_raise(self.client)
        # By id: no user lookup (GET /users/{id} is tightly rate limited), the DM channel is
        # opened once and cached by discord.py.
        dm = await self.client.create_dm(discord.Object(id=int(member_id)))
        last = ""
        for piece in render.messages(reply, dm_guild=community.id):
            try:
                sent = await dm.send(**render.send_kwargs(piece))
            except discord.Forbidden as exc:  # 50007: DMs closed; the caller decides, logs
                raise DeliveryError(f"member {member_id} takes no DMs ({exc.code})") from None
            last = str(sent.id)
        return last

    async def edit(
        self, community: Community, where: Conversation, message_id: str, reply: Reply
    ) -> None:
        """PATCH one of the bot's messages: new text, new buttons or none (a staff card that
        closed); one already deleted is left alone."""
        channel = self._target(community, where.thread_id or where.channel_id)
        try:
            await channel.get_partial_message(int(message_id)).edit(**render.edit_kwargs(reply))
        except discord.NotFound:
            log.info("message %s is gone; not edited", message_id)
        except discord.Forbidden as exc:
            raise self._forbidden_once(channel, "View Channel", exc) from None

    async def open_thread(
        self, community: Community, channel_id: str, root_message_id: str, title: str, ref: str
    ) -> str:
        """A public thread under the question's message, named after it (a forum post is one)."""
        channel = self._target(community, channel_id)
        if isinstance(channel, discord.Thread):
            return str(channel.id)
        # A forum post is a thread whose id is its starter message's: nothing to open.
        # (MediaChannel is a ForumChannel too.)
        if isinstance(channel, discord.ForumChannel):
            return root_message_id
        # A message's thread takes the message's id: known already means opened before a
        # crash that came before its id was stored. Reuse it, don't fail on a second one.
        if isinstance(self.client.get_channel(int(root_message_id)), discord.Thread):
            return root_message_id
        message = channel.get_partial_message(int(root_message_id))
        try:
            thread = await message.create_thread(name=f"{ref} · {title}"[:100])
        except discord.Forbidden as exc:
            raise self._forbidden_once(channel, "Create Public Threads", exc) from None
        except discord.HTTPException as exc:
            if exc.code == lookup.THREAD_EXISTS:  # not cached, but Discord knows it
                return root_message_id
            raise
        return str(thread.id)

    async def channel_exists(self, community: Community, channel_id: str) -> bool:
        """Whether the channel is in this community's guild and the bot may post there."""
        guild = self.client.get_guild(int(community.id))
        if guild is None:
            return False
        # Only this guild's channels: another server's id would send this one's (private)
        # questions and staff cards there.
        channel = lookup.find_channel(guild, channel_id)
        return channel is not None and lookup.can_post(channel, guild.me)

    async def channel_info(self, community: Community, ref: str) -> ChannelInfo | None:
        """A channel of this community's guild by id, mention or name (from the cache)."""
        guild = self.client.get_guild(int(community.id))
        channel = lookup.find_channel(guild, ref) if guild is not None else None
        return None if channel is None else ChannelInfo(str(channel.id), str(channel.name))

    async def set_role(
        self, community: Community, member_id: str, role: str, granted: bool
    ) -> bool:
        """Grant or remove a role (id, mention or name); False when it can't be set."""
        guild = self.client.get_guild(int(community.id))
        found = lookup.find_role(guild, role) if guild is not None else None
        if guild is None or found is None:
            log.warning("role %r not found in %s", role, community.name or community.id)
            return False
        try:
            # Members aren't chunked at start-up: most are fetched, not cached.
            member = guild.get_member(int(member_id)) or await guild.fetch_member(int(member_id))
            if granted:
                await member.add_roles(found, reason="Entraide rank")
            else:
                await member.remove_roles(found, reason="Entraide rank")
        except discord.NotFound:  # they left the server
            log.info("member %s is no longer in %s; role %s unchanged", member_id, guild.name, role)
            return False
        except discord.Forbidden as exc:  # our role is below it, or no Manage Roles
            self._forbidden_once(found, "Manage Roles, with the bot's role above this one", exc)
            return False
        return True

    async def lookup(self, community: Community, kind: LookupKind, ref: str) -> str | None:
        """A member by mention, id or cached name; a role by mention, id or name."""
        guild = self.client.get_guild(int(community.id))
        if guild is None:  # not connected yet: can't tell
            return ref
        if kind == "role":
            return ref if lookup.find_role(guild, ref.strip().removeprefix("@")) else None
        return await lookup.find_member(guild, ref)

    def usage(self, spec: CommandSpec) -> str:
        """As registered on Discord (`/rep show [MEMBER]`, `/leaderboard week|month|all`)."""
        return commands.usage(self.responder.commands, spec)

    async def link(
        self, community: Community, where: Conversation, message_id: str | None = None
    ) -> str:
        """A jump link (no API call: Discord builds them from ids)."""
        return render.jump_link(community.id, where, message_id)

    def _target(self, community: Community, ref: str) -> Any:
        """The channel or thread a setting or a stored id names; DeliveryError if none."""
        ready_or_raise(self.client)
        if ref.isdigit():
            # A thread just created may not be cached yet: a partial channel can still post.
            channel_id = int(ref)
            return self.client.get_channel(channel_id) or self.client.get_partial_messageable(
                channel_id
            )
        guild = self.client.get_guild(int(community.id))
        found = lookup.find_channel(guild, ref) if guild is not None else None
        if found is None:
            if (community.id, ref) not in self._unknown:
                self._unknown.add((community.id, ref))
                log.error(
                    "no channel %r in %s: create it, or choose one with /entraide channels",
                    ref,
                    community.name or community.id,
                )
            raise DeliveryError(f"no channel {ref!r} in {community.name or community.id}")
        return found

    def _forbidden_once(self, place: Any, permission: str, exc: discord.Forbidden) -> DeliveryError:
        """Log a refusal once per channel or role, naming what to grant; the error to raise.

        Once: every question in a channel the bot can't post in would repeat the same line.
        """
        needs = lookup.needed(exc, permission)
        if place.id not in self._forbidden:
            self._forbidden.add(place.id)
            log.error(
                "Discord refused the bot in %s (code %s): grant it %s there",
                lookup.label(place),
                exc.code,
                needs,
            )
        return DeliveryError(f"missing {needs} in {lookup.label(place)}")
