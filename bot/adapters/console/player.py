"""Plays console script lines: each action becomes a core event for the bot."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING

from bot.adapters.console import render
from bot.adapters.console.lines import ScriptLine, Undecodable, from_text
from bot.adapters.console.resolver import COMMUNITY, ConsoleResolver, recall_members
from bot.adapters.console.script_errors import ScriptError, wait_length
from bot.adapters.console.state import BOT_NAME, ConsoleMessage
from bot.adapters.console.translate import Action, is_blank_or_comment, parse_line
from bot.core.commands import ArgumentError, parse_options, rest_after, split_words
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
from bot.core.identity import Conversation, Member
from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.adapters.console.adapter import ConsoleAdapter

MAX_TEXT = 4000


class ScriptPlayer:
    """Turns script lines into events for the app, through the console adapter."""

    def __init__(self, adapter: ConsoleAdapter) -> None:
        self.adapter = adapter
        self.app = adapter.app
        self.state = adapter.state
        self.output = adapter.output
        self._event_ids = count(1)

    def t(self, key: str, /, **params: str) -> str:
        """Console messages in the default community language."""
        return self.app.messages.get(self.app.settings.community.language, key, **params)

    async def feed(self, line: ScriptLine, number: int = 0) -> bool:
        """Play one line; on a bad line print one error line naming it and return False."""
        if isinstance(line, str):
            line = from_text(line.removesuffix("\n").removesuffix("\r"))
        try:
            if isinstance(line, Undecodable):
                raise ScriptError(
                    "console.bad_bytes", byte=f"{line.byte:02x}", position=str(line.position)
                )
            if is_blank_or_comment(line):
                return True
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
            await self._wait(action.duration)
            return
        member = self._member(action.name)
        handler = getattr(self, f"_do_{action.kind}")
        await handler(member, action)

    async def _wait(self, duration: str) -> None:
        delta = wait_length(duration, self.app.clock.now())
        self.output.write(self.t("console.waited", duration=duration, now=""))
        await self.app.clock.advance(delta)

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

    def _message(
        self, ref: str, viewer: str, having: Callable[[ConsoleMessage], bool] = lambda _: True
    ) -> ConsoleMessage:
        if ref.startswith("^"):
            found = self.state.latest_by(ref[1:], viewer, having)
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
            "community": COMMUNITY,
            "author": member,
            "at": self.app.clock.now(),
        }

    def _post(self, author: str, where: Conversation, text: str) -> ConsoleMessage:
        display_id, platform_id = self.state.next_ids()
        message = self.state.add(
            ConsoleMessage(display_id, platform_id, where.channel_id, where.thread_id, author, text)
        )
        self.adapter.print_message(message)
        return message

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
        wanted = action.label.strip().strip("[]").lower()

        # ^entraide: the newest of the bot's messages with that button, so a script doesn't
        # hang on message numbers (how many suggestions came before depends on the model).
        def has_it(message: ConsoleMessage) -> bool:
            return any(b.label.lower() == wanted for b in message.buttons)

        if action.ref.startswith("^") and self.state.latest_by(action.ref[1:], member.id, has_it):
            message = self._message(action.ref, member.id, has_it)
        else:  # none has it: the latest one's buttons are named in the error below
            message = self._message(action.ref, member.id)
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
            names = ", ".join(table.suggestions(words))
            hint = self.t("console.subcommands_hint", names=names) if names else ""
            raise ScriptError("console.unknown_command", name=" ".join(words), hint=hint)
        self.output.write(self.t("console.ran", name=member.id, command=action.text[1:].strip()))
        rest = rest_after(action.text[1:], words[:used])
        await recall_members(self.app, self.state, rest)
        try:
            options = parse_options(spec, rest, ConsoleResolver(self.state, member.id))
        except ArgumentError as exc:
            language = await self.app.language_of(COMMUNITY)
            text = self.app.messages.get(language, exc.key, **exc.params)
            await self.adapter.send(COMMUNITY, where, Reply(text, ephemeral_to=member.id))
            return
        await self._dispatch(
            CommandInvoked(
                **self._common(member),  # type: ignore[arg-type]
                conversation=where,
                name=spec.name,
                options=options,
            )
        )
