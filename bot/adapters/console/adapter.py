"""The console adapter: plays script lines as community events and prints the transcript."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from itertools import count
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console import render
from bot.adapters.console.state import BOT_NAME, ConsoleMessage, ConsoleState
from bot.adapters.console.translate import Action, is_blank_or_comment, parse_line
from bot.core.clock import parse_duration
from bot.core.commands import ArgumentError, parse_options, split_words
from bot.core.events import (
    ButtonPressed,
    CommandInvoked,
    Event,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionChanged,
    ReplyPosted,
)
from bot.core.identity import Community, Conversation, Member
from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

COMMUNITY = Community("console", "local", "Console community")
MAX_TEXT = 4000


class ScriptError(Exception):
    """A script line that can't be played; `key` names the catalogue message."""

    def __init__(self, key: str, /, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ConsoleOutput:
    """Where the transcript goes: a stream, and a list that tests read."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        """Print one transcript line."""
        self.lines.extend(line.split("\n"))
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()


class ConsoleAdapter:
    """A local community in the terminal: implements the Chat port for the console."""

    platform = "console"

    def __init__(self, app: App, output: ConsoleOutput | None = None) -> None:
        self.app = app
        self.output = output or ConsoleOutput()
        self.state = ConsoleState(app.settings.console, session=secrets.token_hex(3))
        self._event_ids = count(1)
        self.community = COMMUNITY

    # ---- script side -------------------------------------------------------------------

    def t(self, key: str, /, **params: str) -> str:
        """Console messages in the default community language."""
        return self.app.messages.get(self.app.settings.community.language, key, **params)

    async def play(self, lines: Iterable[str]) -> int:
        """Play script lines in order; returns how many were errors."""
        errors = 0
        for number, line in enumerate(lines, start=1):
            if not await self.feed(line, number):
                errors += 1
        return errors

    async def feed(self, line: str, number: int = 0) -> bool:
        """Play one line; on a bad line print one error line naming it and return False."""
        line = line.rstrip("\n")
        if is_blank_or_comment(line):
            return True
        try:
            action = parse_line(line)
            if action is None:
                raise ScriptError("console.unknown_action", syntax=self.t("console.syntax"))
            await self._play(action)
        except ScriptError as exc:
            self.output.write(f"! line {number}: {self.t(exc.key, **exc.params)}")
            return False
        return True

    async def _play(self, action: Action) -> None:
        if action.kind == "wait":
            try:
                delta = parse_duration(action.duration)
            except ValueError as exc:
                raise ScriptError("console.bad_wait", reason=str(exc)) from None
            self.output.write(self.t("console.waited", duration=action.duration, now=""))
            await self.app.clock.advance(delta)
            return
        member = self._member(action.name)
        handler = getattr(self, f"_do_{action.kind}")
        await handler(member, action)

    def _member(self, name: str) -> Member:
        if name.lower() == BOT_NAME:
            raise ScriptError("console.reserved_name", name=name)
        self.state.speakers.add(name)
        return Member(
            id=name,
            name=name,
            is_admin=self.state.is_admin(name),
            is_staff=self.state.is_staff(name),
        )

    def _event_id(self) -> str:
        return f"{self.state.session}.e{next(self._event_ids)}"

    def _check_text(self, text: str) -> str:
        if not text.strip():
            raise ScriptError("console.empty_text")
        if len(text) > MAX_TEXT:
            raise ScriptError("console.too_long", limit=str(MAX_TEXT))
        return text

    def _message(self, ref: str, viewer: str) -> ConsoleMessage:
        if ref.startswith("^"):
            found = self.state.latest_by(ref[1:], viewer)
            if found is None:
                raise ScriptError("console.no_message_by", name=ref[1:])
            return found
        message = self.state.messages.get(ref.upper())
        if message is None or not self.state.visible_to(message, viewer):
            raise ScriptError("console.unknown_message", ref=ref)
        return message

    def _channel(self, channel: str, name: str) -> str:
        channels = self.state.settings.channels
        if channel not in channels:
            raise ScriptError(
                "console.unknown_channel",
                channel=channel,
                channels=", ".join(f"#{c}" for c in channels),
            )
        if not self.state.can_see_channel(name, channel):
            raise ScriptError("console.private_channel", name=name, channel=channel)
        return channel

    def _thread(self, ref: str, viewer: str) -> Conversation:
        """The conversation a reply to Q1 / M3 / ^name goes to."""
        label = ref.upper()
        if label.startswith("Q") and not ref.startswith("^"):
            thread_id = self.state.thread_by_label.get(label)
            if thread_id is None:
                raise ScriptError("console.unknown_question", ref=ref)
            root = self.state.by_platform_id.get(thread_id)
            channel = root.channel if root else self.state.settings.channels[0]
            return Conversation(channel, thread_id)
        message = self._message(ref, viewer)
        if message.private_to or message.dm_to:
            raise ScriptError("console.no_thread", ref=message.id)
        return Conversation(message.channel, message.thread_id or message.platform_id)

    def _where(self, message: ConsoleMessage) -> Conversation:
        return Conversation(message.channel, message.thread_id)

    def _common(self, member: Member) -> dict[str, object]:
        return {
            "event_id": self._event_id(),
            "community": self.community,
            "author": member,
            "at": self.app.clock.now(),
        }

    def _post(self, author: str, where: Conversation, text: str) -> ConsoleMessage:
        display_id, platform_id = self.state.next_ids()
        message = self.state.add(
            ConsoleMessage(display_id, platform_id, where.channel_id, where.thread_id, author, text)
        )
        self._print(message)
        return message

    def _print(self, message: ConsoleMessage) -> None:
        place = render.place_label(
            message.channel,
            self.state.thread_label(message.thread_id),
            private_to=message.private_to,
            dm_to=message.dm_to,
        )
        self.output.write(
            render.message_line(
                message.id,
                message.author,
                message.text,
                place=place,
                buttons=message.buttons,
            )
        )

    async def _dispatch(self, event: Event) -> None:
        await self.app.dispatch(event)

    async def _do_post(self, member: Member, action: Action) -> None:
        text = self._check_text(action.text)
        channel = self._channel(action.channel or self.state.settings.channels[0], member.id)
        message = self._post(member.id, Conversation(channel), text)
        await self._dispatch(
            MessagePosted(
                **self._common(member),  # type: ignore[arg-type]
                conversation=Conversation(channel),
                message_id=message.platform_id,
                text=text,
            )
        )

    async def _do_reply(self, member: Member, action: Action) -> None:
        text = self._check_text(action.text)
        where = self._thread(action.ref, member.id)
        self._channel(where.channel_id, member.id)
        message = self._post(member.id, where, text)
        await self._dispatch(
            ReplyPosted(
                **self._common(member),  # type: ignore[arg-type]
                conversation=where,
                message_id=message.platform_id,
                text=text,
            )
        )

    async def _do_react(self, member: Member, action: Action, added: bool = True) -> None:
        message = self._message(action.ref, member.id)
        who = message.reactions.setdefault(action.emoji, set())
        if added and member.id in who:
            raise ScriptError(
                "console.already_reacted",
                name=member.id,
                emoji=action.emoji,
                ref=message.id,
            )
        if not added and member.id not in who:
            raise ScriptError(
                "console.not_reacted",
                name=member.id,
                emoji=action.emoji,
                ref=message.id,
            )
        (who.add if added else who.discard)(member.id)
        key = "console.reacted" if added else "console.unreacted"
        self.output.write(self.t(key, name=member.id, emoji=action.emoji, ref=message.id))
        await self._dispatch(
            ReactionChanged(
                **self._common(member),  # type: ignore[arg-type]
                conversation=self._where(message),
                message_id=message.platform_id,
                emoji=action.emoji,
                added=added,
                message_author_id=message.author,
            )
        )

    async def _do_unreact(self, member: Member, action: Action) -> None:
        await self._do_react(member, action, added=False)

    async def _do_press(self, member: Member, action: Action) -> None:
        message = self._message(action.ref, member.id)
        wanted = action.label.strip().strip("[]").lower()
        button = next((b for b in message.buttons if b.label.lower() == wanted), None)
        if button is None:
            raise ScriptError(
                "console.no_such_button",
                ref=message.id,
                label=action.label,
                buttons=render.render_buttons(message.buttons) or "-",
            )
        self.output.write(
            self.t("console.pressed", name=member.id, label=button.label, ref=message.id)
        )
        await self._dispatch(
            ButtonPressed(
                **self._common(member),  # type: ignore[arg-type]
                conversation=self._where(message),
                message_id=message.platform_id,
                action=button.action,
                value=button.value,
            )
        )

    def _own(self, member: Member, ref: str) -> ConsoleMessage:
        message = self._message(ref, member.id)
        if message.author != member.id:
            raise ScriptError("console.not_own_message", name=member.id)
        return message

    async def _do_edit(self, member: Member, action: Action) -> None:
        message = self._own(member, action.ref)
        message.text = self._check_text(action.text)
        self.output.write(self.t("console.edited", name=member.id, ref=message.id))
        await self._dispatch(
            MessageEdited(
                **self._common(member),  # type: ignore[arg-type]
                conversation=self._where(message),
                message_id=message.platform_id,
                text=message.text,
            )
        )

    async def _do_delete(self, member: Member, action: Action) -> None:
        message = self._own(member, action.ref)
        message.deleted = True
        self.output.write(self.t("console.deleted", name=member.id, ref=message.id))
        await self._dispatch(
            MessageDeleted(
                **self._common(member),  # type: ignore[arg-type]
                conversation=self._where(message),
                message_id=message.platform_id,
            )
        )

    async def _do_command(self, member: Member, action: Action) -> None:
        if action.ref:
            where = self._thread(action.ref, member.id)
        else:
            where = Conversation(self._channel(action.channel or "help", member.id))
        words = split_words(action.text[1:])
        table = self.app.dispatcher.commands
        spec, used = table.match(words)
        if spec is None:
            group = (
                " ".join(words[:2])
                if table.subcommands(" ".join(words[:2]))
                else words[0]
                if words
                else ""
            )
            names = ", ".join(n.split(" ")[-1] for n in table.subcommands(group)) if group else ""
            hint = self.t("console.subcommands_hint", names=names) if names else ""
            raise ScriptError("console.unknown_command", name=" ".join(words), hint=hint)
        self.output.write(self.t("console.ran", name=member.id, command=action.text[1:].strip()))
        rest = action.text[1:].strip()
        for word in words[:used]:
            rest = rest[rest.lower().index(word.lower()) + len(word) :]
        try:
            options = parse_options(spec, rest, _ConsoleResolver(self.state))
        except ArgumentError as exc:
            reply = Reply(self.app.messages.get(await self._language(), exc.key, **exc.params))
            await self.send(self.community, where, _ephemeral(reply, member.id))
            return
        await self._dispatch(
            CommandInvoked(
                **self._common(member),  # type: ignore[arg-type]
                conversation=where,
                name=spec.name,
                options=options,
            )
        )

    async def _language(self) -> str:
        async with self.app.db.transaction() as tx:
            from bot.storage.communities import ensure_community

            community_id = await ensure_community(tx, self.community, self.app.clock.now())
        return (await self.app.community_config(community_id)).language

    # ---- Chat port ------------------------------------------------------------------------

    async def send(self, community: Community, where: Conversation, reply: Reply) -> str:
        """Print a bot message; returns its platform id."""
        display_id, platform_id = self.state.next_ids()
        message = ConsoleMessage(
            display_id,
            platform_id,
            where.channel_id,
            where.thread_id,
            BOT_NAME,
            reply.text,
            buttons=reply.buttons,
            private_to=reply.ephemeral_to,
        )
        self._print(self.state.add(message))
        return platform_id

    async def send_dm(self, community: Community, member_id: str, reply: Reply) -> str:
        """Print a direct message."""
        display_id, platform_id = self.state.next_ids()
        message = ConsoleMessage(
            display_id,
            platform_id,
            "",
            None,
            BOT_NAME,
            reply.text,
            reply.buttons,
            dm_to=member_id,
        )
        self._print(self.state.add(message))
        return platform_id

    async def open_thread(
        self,
        community: Community,
        channel_id: str,
        root_message_id: str,
        title: str,
        ref: str,
    ) -> str:
        """A console thread is keyed by its root message; it shows under the question ref."""
        self.state.thread_labels[root_message_id] = ref
        self.state.thread_by_label[ref.upper()] = root_message_id
        return root_message_id

    async def channel_exists(self, community: Community, channel_id: str) -> bool:
        """Console channels come from [console] channels."""
        return channel_id in self.state.settings.channels


def _ephemeral(reply: Reply, member_id: str) -> Reply:
    return Reply(reply.text, reply.buttons, ephemeral_to=member_id, mentions=reply.mentions)


class _ConsoleResolver:
    """Member and channel tokens as typed in the console: @name / name, #channel."""

    def __init__(self, state: ConsoleState) -> None:
        self.state = state

    def member(self, token: str) -> str | None:
        name = token.removeprefix("@")
        if name.startswith("<@") and name.endswith(">"):
            name = name[2:-1]
        return name if self.state.known_member(name) else None

    def channel(self, token: str) -> str | None:
        name = token.removeprefix("#")
        return name if name in self.state.settings.channels else None
