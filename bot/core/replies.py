"""What cogs send: a Reply is platform-neutral text plus buttons and delivery rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Cogs write member mentions as <@id>; adapters render them natively.
MENTION_RE = re.compile(r"<@([^<>\s]+)>")


def mention(member_id: str) -> str:
    """Neutral mention markup for a member; only pings if listed in Reply.mentions."""
    return f"<@{member_id}>"


def linked(text: str, target: str) -> str:
    """`text` linking to what `ChatAdapter.link` returned: Markdown `[text](url)` for a web
    address (Discord shows it as a link, the Slack renderer turns it into `<url|text>`), else
    the text with the label beside it when they differ (the console's `Q3` is its own link)."""
    if target.startswith(("https://", "http://")):
        return f"[{text}]({target})"
    if not target or target == text:
        return text
    return f"{text} ({target})"


@dataclass(frozen=True)
class Button:
    """A button; `action` routes it to a cog, `value` carries the ids it acts on."""

    label: str
    action: str
    value: str = ""
    style: str = "secondary"

    @property
    def custom_id(self) -> str:
        """Stable id that survives restarts (Discord custom_id, Slack action value)."""
        return f"entraide:{self.action}:{self.value}"


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (a chart, a data export)."""

    name: str
    data: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:  # bytes would flood logs and test output
        return f"Attachment({self.name!r}, {len(self.data)} bytes, {self.content_type!r})"


@dataclass(frozen=True)
class Reply:
    """A message the bot wants to send.

    `ephemeral_to` makes it visible to one member only. `mentions` lists the member ids
    the bot means to ping; every other mention-like text stays inert. `files` go with the
    last message of the reply.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    ephemeral_to: str | None = None
    mentions: tuple[str, ...] = field(default=())
    files: tuple[Attachment, ...] = ()


def parse_custom_id(custom_id: str) -> tuple[str, str] | None:
    """Split a Button.custom_id back into (action, value); None if it isn't ours."""
    prefix, _, rest = custom_id.partition(":")
    if prefix != "entraide" or not rest:
        return None
    action, _, value = rest.partition(":")
    return action, value
