"""Reply → what discord.py sends: content in at most 3 messages of 2,000 characters (a longer
reply is cut with "…"), mentions that ping only the members a cog named, and buttons as
persistent components."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import discord

from bot.adapters.discord import dm
from bot.core.identity import Conversation
from bot.core.limits import markdown_pieces
from bot.core.replies import Attachment, Button, Reply

LIMIT = 2000  # characters in one Discord message
MOST = 3  # messages one reply may take: past that a wall of text is no help
JUMP = "https://discord.com/channels"
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
    "secondary": discord.ButtonStyle.secondary,
}


@dataclass(frozen=True)
class Outgoing:
    """One Discord message of a reply: its text, who may be pinged, its buttons (in a DM,
    `guild_id` is the server they act in)."""

    content: str
    allowed_mentions: discord.AllowedMentions
    buttons: tuple[Button, ...]
    files: tuple[Attachment, ...] = ()
    guild_id: str | None = None


def split(text: str, limit: int = LIMIT, most: int | None = MOST) -> list[str]:
    """At most `most` pieces of at most `limit` characters, split at a paragraph, a line or
    a word (an empty piece is a zero-width space: Discord refuses empty messages)."""
    return [piece or "\u200b" for piece in markdown_pieces(text, limit, most)]


def allowed(reply: Reply) -> discord.AllowedMentions:
    """Only the members the reply names may be pinged: never everyone, roles or others."""
    users = [discord.Object(id=int(m)) for m in reply.mentions if m.isdigit()]
    return discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=False)


def messages(reply: Reply, dm_guild: str | None = None) -> list[Outgoing]:
    """The Discord messages of a reply; buttons and files go with the last one. In a DM,
    `dm_guild` is the server its buttons act in (a DM has none of its own)."""
    pieces = split(reply.text)
    mentions = allowed(reply)
    last = len(pieces) - 1
    return [
        Outgoing(
            piece,
            mentions,
            reply.buttons if n == last else (),
            reply.files if n == last else (),
            dm_guild,
        )
        for n, piece in enumerate(pieces)
    ]


def send_kwargs(piece: Outgoing) -> dict[str, Any]:
    """What channel.send, a DM or an interaction follow-up take for one piece."""
    kwargs: dict[str, Any] = {
        "content": piece.content,
        "allowed_mentions": piece.allowed_mentions,
        "view": view(piece.buttons, piece.guild_id) or discord.utils.MISSING,
    }
    if piece.files:  # a discord.File is read once: new ones for every send
        kwargs["files"] = [discord.File(io.BytesIO(f.data), filename=f.name) for f in piece.files]
    return kwargs


def edit_kwargs(reply: Reply) -> dict[str, Any]:
    """What a message edit takes: the text (one message's worth), the new buttons, or none
    (view=None clears the components)."""
    return {
        "content": split(reply.text, most=1)[0],
        "allowed_mentions": allowed(reply),
        "view": view(reply.buttons),
    }


def view(buttons: tuple[Button, ...], dm_guild: str | None = None) -> discord.ui.View | None:
    """Buttons with stable custom ids and no timeout: they work after a restart, because
    the adapter's on_interaction reads the id, not discord.py's view store. In a DM the ids
    carry the server (`dm_guild`)."""
    if not buttons:
        return None
    components = discord.ui.View(timeout=None)
    for button in buttons:
        components.add_item(
            discord.ui.Button(
                label=button.label[:80],
                custom_id=dm.custom_id(button, dm_guild)[: dm.LIMIT],
                style=STYLES.get(button.style, discord.ButtonStyle.secondary),
            )
        )
    # Stopped before sending: discord.py would otherwise keep every view it sends in its
    # store for the life of the process (one object per message with buttons).
    components.stop()
    return components


def jump_link(guild_id: str, where: Conversation, message_id: str | None = None) -> str:
    """`https://discord.com/channels/<guild>/<thread or channel>[/<message>]`: a thread has
    its own channel id, so its link needs no parent."""
    link = f"{JUMP}/{guild_id}/{where.thread_id or where.channel_id}"
    return f"{link}/{message_id}" if message_id else link
