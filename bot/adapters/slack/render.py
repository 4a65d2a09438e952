"""Reply → a Slack message (pure): mrkdwn text in section blocks of 3,000 characters (at
most 13, under Slack's 40,000 characters and 50 blocks a message; a longer reply is cut with
"…"), buttons in actions blocks, and every `& < >` escaped so echoed member text can't form a
mention (<!everyone>, <@U…>) or a link. Only the members a reply names are mentioned for
real; anyone else the text names is shown as plain @name.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.limits import markdown_pieces
from bot.core.replies import Button, Reply

LIMIT = 3000  # characters in one section block's text
GROUP = "entraide"  # Slack's one slash command
MAX_BUTTONS = 25  # elements in one actions block
MAX_BLOCKS = 50  # blocks in one message
MAX_ACTIONS = 5  # actions blocks in one message (125 buttons is already too many to read)
MAX_TEXT = 40_000  # characters of text in one message
STYLES = {"primary": "primary", "success": "primary", "danger": "danger"}
# Neutral mentions (<@id>), Markdown links to the web, and **bold**: the only markup cogs use.
TOKEN_RE = re.compile(
    r"<@(?P<member>[^<>\s|]+)(?:\|[^<>]*)?>|\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|\*\*(?P<bold>[^*\n]+)\*\*"
)


@dataclass(frozen=True)
class Outgoing:
    """One Slack message: fallback text (notifications) and its blocks."""

    text: str
    blocks: list[dict[str, Any]]


def escape(text: str) -> str:
    """Slack's three control characters, so text can't become markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str, mentions: tuple[str, ...], names: Mapping[str, str]) -> str:
    """A reply's text as Slack mrkdwn, escaped except for the markup the bot means."""
    out: list[str] = []
    last = 0
    for found in TOKEN_RE.finditer(text):
        out.append(escape(text[last : found.start()]))
        last = found.end()
        member, url = found.group("member"), found.group("url")
        if member is not None:
            out.append(
                f"<@{member}>" if member in mentions else "@" + escape(names.get(member, member))
            )
        elif url is not None:
            out.append(f"<{escape(url)}|{escape(found.group('label'))}>")
        else:
            out.append(f"*{escape(found.group('bold'))}*")
    out.append(escape(text[last:]))
    return "".join(out)


def mentioned(reply: Reply) -> set[str]:
    """Member ids the text names (their display names are needed to show them)."""
    return {m.group("member") for m in TOKEN_RE.finditer(reply.text) if m.group("member")}


def slash_commands(text: str, words: Collection[str]) -> str:
    """The bot's '/solved Q3' as typed on Slack, '/entraide solved Q3' (one slash command)."""
    if not words:
        return text
    pattern = rf"(?<![\w/.:])/(?!{GROUP}\b)({'|'.join(map(re.escape, sorted(words)))})\b"
    return re.sub(pattern, rf"/{GROUP} \1", text)


def messages(
    reply: Reply, names: Mapping[str, str], commands: Collection[str] = ()
) -> list[Outgoing]:
    """The Slack message of a reply (one: a list, as adapters send them in turn), its text
    in sections and its buttons under them. `commands` are the first words of the core
    commands, rewritten as /entraide subcommands."""
    text = slash_commands(reply.text, commands)
    buttons = actions(reply.buttons)
    most = min(MAX_TEXT // LIMIT, MAX_BLOCKS - len(buttons))
    shown = markdown_pieces(mrkdwn(text, reply.mentions, names), LIMIT, most)
    sections = [piece for piece in shown if piece.strip()]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in sections
    ]
    # The top-level text is the notification's fallback: all of it, under 40,000 characters.
    return [Outgoing("\n".join(sections) or " ", blocks + buttons)]


def actions(buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
    """Actions blocks; a button's action_id and value both carry its stable custom id."""
    elements = [_button(b) for b in buttons]
    return [
        {"type": "actions", "elements": elements[i : i + MAX_BUTTONS]}
        for i in range(0, min(len(elements), MAX_BUTTONS * MAX_ACTIONS), MAX_BUTTONS)
    ]


def _button(button: Button) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75], "emoji": True},
        "action_id": button.custom_id[:255],
        "value": button.custom_id[:2000],
    }
    if button.style in STYLES:
        element["style"] = STYLES[button.style]
    return element


def permalink(
    workspace_url: str, channel: str, thread_ts: str | None, message_ts: str | None = None
) -> str:
    """A message's permalink as Slack writes them (`…/archives/C1/p1700000000000100`); a reply
    in a thread names its thread; no message and no thread: the channel."""
    base = f"{workspace_url.rstrip('/')}/archives/{channel}"
    ts = message_ts or thread_ts
    if ts is None:
        return base
    link = f"{base}/p{ts.replace('.', '')}"
    if thread_ts is not None and ts != thread_ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link
