"""Interactions (slash commands, context menus, autocomplete, buttons) in and out.

Every interaction is acknowledged first (Discord gives 3 seconds; a search may take longer),
and while its event is handled, private replies to its user become ephemeral follow-ups
instead of DMs. A context variable carries the interaction: it follows the handling task
and nothing else.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from bot.adapters.discord import dm, render, translate
from bot.adapters.discord.commands import AppCommands
from bot.adapters.discord.interactions import focused, invocation
from bot.core.commands import ArgumentError
from bot.core.events import ButtonPressed, CommandInvoked, Event
from bot.core.replies import Reply, parse_custom_id
from bot.locales import LANGUAGES, Messages

log = logging.getLogger(__name__)


@dataclass
class Pending:
    """An acknowledged interaction whose user may still get ephemeral follow-ups."""

    interaction: discord.Interaction
    answered: bool = False
    dm_guild: str | None = None  # in a DM: the server its buttons act in


_current: ContextVar[Pending | None] = ContextVar("entraide_discord_interaction", default=None)


def pending_for(reply: Reply) -> Pending | None:
    """The interaction being handled, if this private reply is for its user."""
    pending = _current.get()
    if pending is None or reply.ephemeral_to != str(pending.interaction.user.id):
        return None
    return pending


async def follow_up(pending: Pending, reply: Reply) -> str:
    """Send a reply as ephemeral follow-ups of the interaction; returns the last id."""
    last = ""
    for piece in render.messages(reply, pending.dm_guild):
        sent = await pending.interaction.followup.send(
            **render.send_kwargs(piece), ephemeral=True, wait=True
        )
        pending.answered, last = True, str(sent.id)
    return last


class Responder:
    """Turns interactions into core events, dispatched through the adapter."""

    def __init__(
        self,
        commands: AppCommands,
        messages: Messages,
        dispatch: Callable[[Event], Awaitable[Any]],
        language_of: Callable[[Any], Awaitable[str]],
        now: Callable[[], datetime],
    ) -> None:
        self.commands, self.messages = commands, messages
        self._dispatch, self._language_of, self._now = dispatch, language_of, now

    async def handle(self, interaction: discord.Interaction) -> None:
        """Route one interaction by its type; ours only, in servers (and our DM buttons)."""
        kind = interaction.type
        if interaction.guild is None:
            if kind == discord.InteractionType.component:
                await self._dm_button(interaction)
            return
        if kind == discord.InteractionType.autocomplete:
            await self._autocomplete(interaction)
        elif kind == discord.InteractionType.application_command:
            await self._command(interaction)
        elif kind == discord.InteractionType.component:
            await self._button(interaction)

    async def _command(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        pending = Pending(interaction)
        token = _current.set(pending)
        try:
            try:
                spec, options = invocation(dict(interaction.data or {}), self.commands)
            except ArgumentError as exc:
                language = await self._language_of(translate.community(interaction.guild))
                text = self.messages.get(language, exc.key, **exc.params)
                await follow_up(pending, Reply(text, ephemeral_to=str(interaction.user.id)))
                return
            await self._dispatch(
                CommandInvoked(**self._common(interaction), name=spec.name, options=options)
            )
        finally:
            _current.reset(token)
            if not pending.answered:  # the answer went to the channel: drop "thinking…"
                await _quietly(interaction.delete_original_response())

    async def _button(self, interaction: discord.Interaction) -> None:
        """Our buttons (custom ids `entraide:action:value`) become ButtonPressed."""
        parsed = parse_custom_id(str(dict(interaction.data or {}).get("custom_id", "")))
        if parsed is None or interaction.message is None:
            return
        await interaction.response.defer()  # acknowledges without changing the message
        message_id = str(interaction.message.id)
        await self._pressed(interaction, self._common(interaction), message_id, *parsed)

    async def _dm_button(self, interaction: discord.Interaction) -> None:
        """A button in a DM acts in the server its id names, as that server's member."""
        custom_id = str(dict(interaction.data or {}).get("custom_id", ""))
        scoped = dm.parse(custom_id)
        if interaction.message is None or scoped is None:
            if parse_custom_id(custom_id) is not None:  # sent before DM buttons named a server
                await self._refuse(interaction, "discord.dm_button_old")
            return
        # Acknowledged first: finding the member may take a REST call.
        await interaction.response.defer()
        guild_id, action, value = scoped
        found = await dm.member_of(interaction, guild_id)
        if found is None:  # forged, or a server we no longer share
            await self._refuse(interaction, "discord.dm_button_gone")
            return
        guild, author = found
        common = {
            "event_id": f"discord:interaction:{interaction.id}",
            "community": translate.community(guild),
            "author": author,
            "at": self._now(),
            "conversation": translate.conversation(interaction.channel),
        }
        message_id = str(interaction.message.id)
        await self._pressed(interaction, common, message_id, action, value, dm_guild=guild_id)

    async def _pressed(
        self,
        interaction: discord.Interaction,
        common: dict[str, Any],
        message_id: str,
        action: str,
        value: str,
        dm_guild: str | None = None,
    ) -> None:
        """Dispatch the ButtonPressed; private replies meanwhile follow the interaction up."""
        token = _current.set(Pending(interaction, dm_guild=dm_guild))
        try:
            await self._dispatch(
                ButtonPressed(**common, message_id=message_id, action=action, value=value)
            )
        finally:
            _current.reset(token)

    async def _refuse(self, interaction: discord.Interaction, key: str) -> None:
        """One private line, in the user's Discord language (no server to take it from)."""
        locale = str(interaction.locale.value)
        language = next((lang for lang in LANGUAGES if locale.startswith(lang)), "en")
        text = self.messages.get(language, key)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        choices = focused(dict(interaction.data or {}), self.commands)
        await interaction.response.autocomplete(
            [discord.app_commands.Choice(name=c, value=c) for c in choices]
        )

    def _common(self, interaction: discord.Interaction) -> dict[str, Any]:
        """Event fields; who is admin or staff comes from the permissions Discord resolved
        for this interaction (they include channel overrides)."""
        perms = interaction.permissions
        author = dataclasses.replace(
            translate.member(interaction.user),
            is_admin=perms.administrator or perms.manage_guild,
            is_staff=perms.manage_messages,
        )
        return {
            "event_id": f"discord:interaction:{interaction.id}",
            "community": translate.community(interaction.guild),
            "author": author,
            "at": self._now(),
            "conversation": translate.conversation(interaction.channel),
        }


async def _quietly(awaitable: Awaitable[Any]) -> None:
    """Best effort: a placeholder already gone is not worth an error."""
    try:
        await awaitable
    except discord.HTTPException as exc:
        log.debug("could not tidy an interaction: %s", exc)
