"""The console adapter: a local community in the terminal that implements the Chat port."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console import files, render
from bot.adapters.console.lines import ScriptLine
from bot.adapters.console.player import ScriptPlayer
from bot.adapters.console.resolver import COMMUNITY, recall_members
from bot.adapters.console.state import BOT_NAME, ConsoleMessage, ConsoleState
from bot.core.commands import CommandSpec
from bot.core.identity import Community, Conversation
from bot.core.ports import ChannelInfo, LookupKind, QuestionState
from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.runtime.app import App

__all__ = ["COMMUNITY", "ConsoleAdapter", "ConsoleOutput"]


class ConsoleOutput:
    """Where the transcript goes: a stream, and a list that tests read."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        """Print one transcript line (escaping what would garble the terminal)."""
        line = render.visible(line)
        self.lines.extend(line.split("\n"))
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()


class ConsoleAdapter:
    """Holds the console community and prints what the bot says in it."""

    platform = "console"

    def __init__(
        self, app: App, output: ConsoleOutput | None = None, files_dir: Path | None = None
    ) -> None:
        self.app = app
        self.output = output or ConsoleOutput()
        # Where files from replies are saved; None (tests) lists them without saving.
        self.files_dir = files_dir
        self.state = ConsoleState(app.settings.console, session=secrets.token_hex(3))
        self.player = ScriptPlayer(self)

    def t(self, key: str, /, **params: str) -> str:
        """Console messages in the default community language."""
        return self.player.t(key, **params)

    async def feed(self, line: ScriptLine, number: int = 0) -> bool:
        """Play one script line; False (after printing an error line) if it was bad."""
        return await self.player.feed(line, number)

    async def play(self, lines: Iterable[ScriptLine]) -> int:
        """Play script lines in order; returns how many were errors."""
        errors = 0
        for number, line in enumerate(lines, start=1):
            if not await self.feed(line, number):
                errors += 1
        return errors

    def print_message(self, message: ConsoleMessage) -> None:
        """One transcript line for a message."""
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
                markup=message.author == BOT_NAME,
                files=message.files,
                saved=message.saved,
            )
        )

    async def _save_files(self, message: ConsoleMessage) -> ConsoleMessage:
        """Save the message's files to the files folder; each shows with its path."""
        if self.files_dir is None or not message.files:
            return message
        shown = []
        for file in message.files:
            size = render.file_size(len(file.data))
            try:
                path = await asyncio.to_thread(files.save, self.files_dir, file)
            except OSError as exc:
                reason = exc.strerror or str(exc)
                shown.append(
                    self.t("console.file_not_saved", name=file.name, size=size, reason=reason)
                )
            else:
                shown.append(self.t("console.file_saved", path=str(path), size=size))
        message.saved = tuple(shown)
        return message

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
            files=reply.files,
        )
        self.print_message(self.state.add(await self._save_files(message)))
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
            files=reply.files,
        )
        self.print_message(self.state.add(await self._save_files(message)))
        return platform_id

    async def edit(
        self, community: Community, where: Conversation, message_id: str, reply: Reply
    ) -> None:
        """Change a bot message in place and print it again under the same id (its buttons
        are the new ones: a press on a removed button finds nothing)."""
        message = self.state.by_platform_id.get(message_id)
        if message is None:  # posted in an earlier session: shown under its platform id
            message = self.state.add(
                ConsoleMessage(
                    message_id, message_id, where.channel_id, where.thread_id, BOT_NAME, ""
                )
            )
        if reply.files != message.files:
            message.files, message.saved = reply.files, ()
            await self._save_files(message)
        message.text, message.buttons = reply.text, reply.buttons
        self.output.write(self.t("console.edited", name=BOT_NAME, ref=message.id))
        self.print_message(message)

    def usage(self, spec: CommandSpec) -> str:
        """Typed on the console as everywhere in the docs: /name OPTIONS."""
        return spec.usage()

    async def link(
        self, community: Community, where: Conversation, message_id: str | None = None
    ) -> str:
        """The console has no addresses: a message is its `M5`, a thread its label (`Q3`, as
        the transcript shows it and scripts type it), a channel `#help`."""
        if message_id is not None and message_id in self.state.by_platform_id:
            return self.state.by_platform_id[message_id].id
        return self.state.thread_label(where.thread_id) or f"#{where.channel_id}"

    async def show_state(
        self,
        community: Community,
        where: Conversation,
        root_message_id: str | None,
        state: QuestionState,
        *,
        close: bool = False,
    ) -> None:
        """Nothing printed: the transcript already says it in words ("Q3 is solved", staff
        is on it), and a second line per change would only repeat them."""

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

    async def channel_info(self, community: Community, ref: str) -> ChannelInfo | None:
        """A console channel is its name: `help`, `#help` and `<#help>` are #help."""
        name = ref.strip().removeprefix("<#").removesuffix(">").removeprefix("#")
        return ChannelInfo(name, name) if name in self.state.settings.channels else None

    async def set_role(
        self, community: Community, member_id: str, role: str, granted: bool
    ) -> bool:
        """Console members have no roles to hold; the grant is shown as an action line."""
        key = "console.role_granted" if granted else "console.role_removed"
        self.output.write(self.t(key, name=member_id, role=role))
        return True

    async def lookup(self, community: Community, kind: LookupKind, ref: str) -> str | None:
        """A member by name (@erin, erin); any role exists (console members hold none)."""
        name = ref.strip().removeprefix("<").removesuffix(">").removeprefix("@")
        if kind == "role":
            return ref.strip()
        await recall_members(self.app, self.state, name)
        return self.state.stored.get(name, name) if self.state.known_member(name) else None
