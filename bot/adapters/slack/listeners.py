"""Bolt listeners: Slack events, `/entraide`, buttons and message shortcuts → core events.

Commands and clicks are acknowledged first (Slack allows 3 seconds). A retried delivery
(`X-Slack-Retry-Num`) goes through the same path: the dispatcher's record of handled event
ids makes a repeat change nothing, and a first delivery that failed is handled again.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from bot.adapters.slack import commands, ordering, translate
from bot.adapters.slack.pending import Pending, Respond, follow_up, handling
from bot.adapters.slack.render import messages
from bot.core.commands import ArgumentError
from bot.core.events import ButtonPressed, CommandInvoked, Event
from bot.core.identity import Community, Conversation
from bot.core.replies import Reply, parse_custom_id
from bot.runtime.dispatcher import Handled

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

OURS = re.compile(r"^entraide:")
Body = dict[str, Any]


def register(adapter: SlackAdapter) -> None:
    """Attach every listener to the adapter's bolt app."""
    bolt = adapter.bolt

    async def on_message(body: Body, event: Body, request: Any, context: Any) -> None:
        """A member's message: in a channel (a question, an answer, an edit …), or to the
        bot in its Messages tab. An @mention arrives twice, as `message` and `app_mention`,
        with the same channel and ts: one event id, so the second changes nothing."""
        retry = request.headers.get("x-slack-retry-num")
        await ordering.in_turn(adapter.sequencer, context, lambda: _message(body, event, retry))

    async def _message(body: Body, event: Body, retry: Any) -> Handled:
        user = translate.sender(event)
        if user is None:
            return "skipped"  # bots (ours included), and system messages without a member
        team, author = _team(body), await adapter.directory.member(user)
        found: Event | None
        if translate.is_direct(event):
            found = translate.direct(event, team, author, adapter.app.clock.now())
        else:
            channel = await adapter.directory.channel(str(event.get("channel", "")))
            found = translate.message(
                event, team, author, adapter.app.clock.now(), channel.name if channel else None
            )
        if found is None:
            return "skipped"
        log.debug("%s %s (retry %s)", event.get("type"), found.event_id, retry)
        return await adapter.app.handle(found)

    async def on_reaction(body: Body, event: Body, context: Any) -> None:
        await ordering.in_turn(adapter.sequencer, context, lambda: _reaction(body, event))

    async def _reaction(body: Body, event: Body) -> Handled:
        author = await adapter.directory.member(str(event.get("user", "")))
        found = translate.reaction(
            event, str(body.get("event_id")), _team(body), author, adapter.app.clock.now()
        )
        if found is None:
            return "skipped"
        return await adapter.app.handle(found)

    # Each in its event's turn, taken when bolt read the request (see ordering).
    in_turn = [ordering.take_turn]
    bolt.event("message", middleware=in_turn)(adapter.tracked(on_message))
    bolt.event("app_mention", middleware=in_turn)(adapter.tracked(on_message))
    bolt.event("reaction_added", middleware=in_turn)(adapter.tracked(on_reaction))
    bolt.event("reaction_removed", middleware=in_turn)(adapter.tracked(on_reaction))

    async def on_goodbye(body: Body, event: Body) -> None:
        """Uninstalled, or the bot's token revoked: what we kept about the workspace goes."""
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only users' tokens: the bot stays installed
        await adapter.app.purge_community(_team(body))

    bolt.event("app_uninstalled")(adapter.tracked(on_goodbye))
    bolt.event("tokens_revoked")(adapter.tracked(on_goodbye))

    @bolt.event("app_home_opened")
    @adapter.tracked
    async def on_home(body: Body, event: Body) -> None:
        if event.get("tab") != "home":
            return
        language = await adapter.app.language_of(_team(body))
        text = adapter.app.messages.get(language, "slack.home")
        view = {
            "type": "home",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        }
        await adapter.client.views_publish(user_id=str(event.get("user")), view=view)

    @bolt.command(commands.SLASH)
    @adapter.tracked
    async def on_command(ack: Any, body: Body, respond: Respond) -> None:
        await ack()
        where = Conversation(str(body.get("channel_id", "")), None, body.get("channel_name"))
        user, team = str(body.get("user_id", "")), _team(body)
        with handling(user, respond) as pending:
            try:
                spec, options = commands.invocation(
                    str(body.get("text") or ""), adapter.app.dispatcher.commands
                )
            except ArgumentError as exc:
                await _explain(adapter, pending, team, exc)
                return
            await adapter.dispatch(
                CommandInvoked(
                    event_id=f"slack:command:{body.get('trigger_id')}",
                    community=team,
                    author=await adapter.directory.member(user),
                    at=adapter.app.clock.now(),
                    conversation=where,
                    name=spec.name,
                    options=options,
                )
            )

    @bolt.action(OURS)
    @adapter.tracked
    async def on_button(ack: Any, body: Body, action: Body, respond: Respond) -> None:
        await ack()
        parsed = parse_custom_id(str(action.get("value") or action.get("action_id") or ""))
        user, where, message = translate.clicked(body)
        if parsed is None or not message.get("ts"):
            return
        with handling(user, respond):
            await adapter.dispatch(
                ButtonPressed(
                    event_id=f"slack:action:{body.get('trigger_id') or action.get('action_ts')}",
                    community=_team(body),
                    author=await adapter.directory.member(user),
                    at=adapter.app.clock.now(),
                    conversation=where,
                    message_id=str(message["ts"]),
                    action=parsed[0],
                    value=parsed[1],
                )
            )

    async def on_shortcut(ack: Any, body: Body, respond: Respond) -> None:
        await ack()
        user, where, message = translate.clicked(body)
        with handling(user, respond) as pending:
            try:
                spec, options = commands.shortcut(
                    str(body.get("callback_id")),
                    str(message.get("ts", "")),
                    adapter.app.dispatcher.commands,
                )
            except ArgumentError as exc:
                await _explain(adapter, pending, _team(body), exc)
                return
            await adapter.dispatch(
                CommandInvoked(
                    event_id=f"slack:shortcut:{body.get('trigger_id')}",
                    community=_team(body),
                    author=await adapter.directory.member(user),
                    at=adapter.app.clock.now(),
                    conversation=where,
                    name=spec.name,
                    options=options,
                )
            )

    for callback_id in commands.SHORTCUTS:
        bolt.shortcut(callback_id)(adapter.tracked(on_shortcut))

    @bolt.error
    async def on_error(error: Exception, body: Body) -> None:
        log.error("Slack listener failed on %s: %r", body.get("type"), error, exc_info=error)


async def _explain(
    adapter: SlackAdapter, pending: Pending, team: Community, exc: ArgumentError
) -> None:
    """A mistyped command or a stale shortcut: the console's message, privately."""
    language = await adapter.app.language_of(team)
    text = adapter.app.messages.get(language, exc.key, **exc.params)
    await follow_up(pending, messages(Reply(text, ephemeral_to=pending.user_id), {}))


def _team(body: Body) -> Any:
    """The workspace an event, command or action comes from."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    domain = (
        (body.get("team") or {}).get("domain", "") if isinstance(body.get("team"), dict) else ""
    )
    return translate.community(str(team), str(domain))
