"""The Slack transport: a slack-bolt AsyncApp whose events go to the app as neutral events,
and the Chat port the cogs reply through (chat.postMessage, chat.postEphemeral, DMs,
user groups). HTTP mode serves `/slack/events` with signature checks; Socket Mode needs
no public URL.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import ClientError
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    async_default_handlers,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.sequencer import Sequencer
from bot.adapters.slack import commands, listeners, lookup, render, usergroups
from bot.adapters.slack.directory import Directory
from bot.adapters.slack.ordering import OrderedApp
from bot.adapters.slack.pending import follow_up, pending_for
from bot.adapters.slack.throttle import Throttle
from bot.core.commands import CommandSpec
from bot.core.events import Event
from bot.core.identity import Community, Conversation
from bot.core.ports import ChannelInfo, DeliveryError, LookupKind, QuestionState
from bot.core.replies import Reply

if TYPE_CHECKING:
    from aiohttp import web

    from bot.runtime.app import App

log = logging.getLogger(__name__)

API_URL = "https://slack.com/api/"
Listener = Callable[..., Awaitable[Any]]


class SlackAdapter:
    """Implements the Chat port on Slack; owns the bolt app and its Web API client."""

    platform = "slack"

    def __init__(
        self,
        app: App,
        *,
        token: str,
        signing_secret: str,
        api_url: str | None = None,
        admins: tuple[str, ...] = (),
        staff: tuple[str, ...] = (),
        process_before_response: bool = False,
    ) -> None:
        self.app = app
        # slack_sdk retries only connection errors by default; a 429 must wait Retry-After.
        retries = [*async_default_handlers(), AsyncRateLimitErrorRetryHandler(max_retry_count=3)]
        self.client = AsyncWebClient(
            token=token, base_url=api_url or API_URL, retry_handlers=retries
        )
        self.bolt = OrderedApp(
            client=self.client,
            signing_secret=signing_secret,
            process_before_response=process_before_response,
        )
        # Events of one channel are handled in the order they arrived (see ordering).
        self.sequencer = self.bolt.sequencer = Sequencer()
        self.directory = Directory(self.client, admins, staff)
        # Slack counts the app's messages whichever worker posts them: shared stores share it.
        self.throttle = Throttle(shared=app.db if app.db.shared else None)
        self._refused: set[tuple[str, str]] = set()  # (where, error) already logged
        self._workspace_url: str | None = None  # https://team.slack.com/, for permalinks
        self._socket: AsyncSocketModeHandler | None = None
        # Listeners run as bolt's background tasks once acked: kept here to drain at stop.
        self._running: set[asyncio.Task[Any]] = set()
        listeners.register(self)

    def web_app(self, path: str = "/slack/events") -> web.Application:
        """The HTTP endpoint Slack posts events, commands and actions to (signed)."""
        return self.bolt.web_app(path=path)

    async def connect_socket_mode(self, app_token: str) -> None:
        """Receive everything over Socket Mode (no public URL needed)."""
        self._socket = AsyncSocketModeHandler(self.bolt, app_token=app_token)
        await self._socket.connect_async()  # type: ignore[no-untyped-call]

    def tracked(self, listener: Listener) -> Listener:
        """A bolt listener that close() waits for (bolt reads the wrapped one's arguments)."""

        @functools.wraps(listener)
        async def run(**kwargs: Any) -> Any:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                return await listener(**kwargs)
            finally:
                self._running.discard(task)

        return run

    async def drain(self, within: float = 10.0) -> None:
        """Let listeners already running finish (their writes need the open database)."""
        running = {t for t in self._running if t is not asyncio.current_task()}
        if running:
            log.info("waiting for %d Slack event(s) being handled", len(running))
            await asyncio.wait(running, timeout=within)

    async def close(self) -> None:
        """Disconnect Socket Mode, if connected."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None

    async def dispatch(self, event: Event) -> bool:
        """Hand a command or click to the app, in its channel's line (taken now)."""
        return await self.sequencer.dispatch(event, self.app.handle) == "done"

    async def send(self, community: Community, where: Conversation, reply: Reply) -> str:
        """Post in a channel or thread; a private reply is ephemeral (in the channel)."""
        pending = pending_for(reply)
        names = await self.directory.names(render.mentioned(reply))
        if pending is not None:  # answer the command or click being handled
            await follow_up(pending, render.messages(reply, names, self._command_words()))
            await self._share(reply, None, None)
            return ""
        channel = await self._channel_id(where.channel_id)
        last = ""
        for piece in render.messages(reply, names, self._command_words()):
            args: dict[str, Any] = {"text": piece.text, "blocks": piece.blocks}
            if where.thread_id:
                args["thread_ts"] = where.thread_id
            if reply.ephemeral_to is not None:
                await self._call("chat_postEphemeral", channel, user=reply.ephemeral_to, **args)
                continue
            await self.throttle.wait(channel)
            sent = await self._call("chat_postMessage", channel, unfurl_links=False, **args)
            last = str(sent["ts"])
        await self._share(reply, channel, where.thread_id)
        return last

    async def _share(self, reply: Reply, channel: str | None, thread: str | None) -> None:
        """Upload a reply's files where it went; a private reply's files go by DM (Slack has
        no ephemeral files)."""
        if not reply.files:
            return
        if reply.ephemeral_to is not None or channel is None:
            opened = await self.client.conversations_open(users=reply.ephemeral_to)
            channel, thread = str(opened["channel"]["id"]), None
        for file in reply.files:
            try:
                await self.client.files_upload_v2(
                    channel=channel,
                    file=file.data,
                    filename=file.name,
                    title=file.name,
                    thread_ts=thread,
                )
            except SlackApiError as exc:
                error = self._dropped("files_upload_v2", channel, exc)
                raise DeliveryError(f"file {file.name} in {channel}: {error}") from None

    async def send_dm(self, community: Community, member_id: str, reply: Reply) -> str:
        """A direct message; DeliveryError when it can't be opened (callers fall back)."""
        try:
            opened = await self.client.conversations_open(users=member_id)
        except SlackApiError as exc:
            raise DeliveryError(f"no DM with {member_id}: {exc.response.get('error')}") from None
        dm = str(opened["channel"]["id"])
        return await self.send(community, Conversation(dm), reply)

    async def edit(
        self, community: Community, where: Conversation, message_id: str, reply: Reply
    ) -> None:
        """chat.update of one of the bot's messages: all of the reply's blocks in one message
        (buttons replaced, or gone when it has none)."""
        channel = await self._channel_id(where.channel_id)
        names = await self.directory.names(render.mentioned(reply))
        pieces = render.messages(reply, names, self._command_words())
        blocks = [block for piece in pieces for block in piece.blocks]
        await self._call("chat_update", channel, ts=message_id, text=pieces[0].text, blocks=blocks)

    async def open_thread(
        self, community: Community, channel_id: str, root_message_id: str, title: str, ref: str
    ) -> str:
        """A Slack thread is the replies under a message: its ts is the thread's id."""
        return root_message_id

    async def channel_exists(self, community: Community, channel_id: str) -> bool:
        """Known to the bot, and postable: public, or private with the bot invited."""
        found = await self.directory.channel(channel_id)
        return found is not None and (found.is_member or not found.is_private)

    async def channel_info(self, community: Community, ref: str) -> ChannelInfo | None:
        """A channel by id, <#id|name> or name; `help` and `C0HELP` give the same channel."""
        found = await self.directory.channel(ref)
        return None if found is None else ChannelInfo(found.id, found.name)

    async def set_role(
        self, community: Community, member_id: str, role: str, granted: bool
    ) -> bool:
        """Add to or remove from a user group (by id, @handle or name)."""
        try:
            group = await usergroups.find(self.client, role)
            if group is None:
                log.warning("user group %r not found in %s", role, community.name or community.id)
                return False
            await usergroups.set_member(self.client, group, member_id, granted)
        except SlackApiError as exc:  # missing usergroups:write, or a paid-plan feature
            self._refused_once(f"usergroup {role}", str(exc.response.get("error")))
            return False
        return True

    async def lookup(self, community: Community, kind: LookupKind, ref: str) -> str | None:
        """A member by mention or id, a user group by id, @handle or name."""
        return await lookup.find(self.client, kind, ref)

    def _command_words(self) -> set[str]:
        """First words of the core commands (`solved`, `kb` …), for '/solved' in texts."""
        return {name.split(" ", 1)[0] for name in self.app.dispatcher.commands.specs}

    def usage(self, spec: CommandSpec) -> str:
        """`/entraide rep [MEMBER]`: Slack has one slash command."""
        return commands.usage(spec)

    async def show_state(
        self,
        community: Community,
        where: Conversation,
        root_message_id: str | None,
        state: QuestionState,
        *,
        close: bool = False,
    ) -> None:
        """Nothing on Slack: it has no thread tags, and the helpful emoji (✅ by default) is
        what members react with, so a bot ✅ on the question would read as a vote."""

    async def link(
        self, community: Community, where: Conversation, message_id: str | None = None
    ) -> str:
        """A permalink built from the workspace's address, "" if Slack can't be asked now.

        Built, not asked for: chat.getPermalink is one call per message (ten for one page of
        /questions), while the address auth.test gives is one call for the adapter's life,
        and Slack documents the permalink form (archives/<channel>/p<ts without the dot>).
        """
        if self._workspace_url is None:
            try:
                found = await self.client.auth_test()
            except SlackApiError as exc:
                log.warning("Slack: no workspace address for links (%s)", exc.response.get("error"))
                return ""
            except (ClientError, OSError, TimeoutError) as exc:  # out of reach: ask next time
                log.warning("Slack: no workspace address for links (%r)", exc)
                return ""
            self._workspace_url = str(found.get("url") or "")
        if not self._workspace_url:
            return ""
        try:
            channel = await self._channel_id(where.channel_id)
        except DeliveryError:
            return ""
        return render.permalink(self._workspace_url, channel, where.thread_id, message_id)

    async def _channel_id(self, ref: str) -> str:
        """A channel id from an id or a name in settings; DeliveryError if there is none."""
        if ref[:1] in ("C", "G", "D") and ref[1:].isalnum() and ref.isupper():
            return ref
        found = await self.directory.channel(ref)
        if found is None:
            self._refused_once(ref, "channel_not_found")
            raise DeliveryError(f"no channel {ref!r}")
        return found.id

    async def _call(self, method: str, channel: str, **args: Any) -> Any:
        """A Web API call that posts; a refusal (after slack_sdk's retries) is logged and
        raised."""
        try:
            return await getattr(self.client, method)(channel=channel, **args)
        except SlackApiError as exc:
            error = self._dropped(method, channel, exc)
            raise DeliveryError(f"{method} in {channel}: {error}") from None

    def _dropped(self, method: str, channel: str | None, exc: SlackApiError) -> str:
        """Log one message Slack refused for good, every time (each drop is a message lost),
        with what an admin should do the first time; the Web API error."""
        error = str(exc.response.get("error"))
        status = getattr(exc.response, "status_code", None)
        log.warning(
            "Slack dropped a message in %s: %s answered %s (HTTP %s)",
            channel,
            method.replace("_", "."),
            error,
            status,
        )
        self._refused_once(str(channel), error)
        return error

    def _refused_once(self, where: str, error: str) -> None:
        if (where, error) in self._refused:
            return
        self._refused.add((where, error))
        advice = {
            "not_in_channel": "invite the bot there (/invite @Entraide)",
            "channel_not_found": "create it, invite the bot, or choose one with /entraide channels",
            "missing_scope": "reinstall the app from config/slack-manifest.yml",
            "is_archived": "unarchive it or choose another channel",
            "ratelimited": "Slack kept answering 429 after the retries; each drop is logged",
        }.get(error, "see Slack's error reference")
        log.error("Slack refused the bot in %s (%s): %s", where, error, advice)
