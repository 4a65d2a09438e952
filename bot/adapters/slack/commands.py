"""`/entraide …` and message shortcuts → core commands (pure).

Slack gets one slash command; its text names the core command as the console would
(`/entraide rep`, `/entraide kb search export`), and the words of `/entraide config set …`
may drop their leading `entraide`. With "escape channels, users and links" on (see
config/slack-manifest.yml) Slack writes members as <@U123|name> and channels as <#C123|name>.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.commands import (
    ArgumentError,
    CommandSpec,
    CommandTable,
    parse_options,
    rest_after,
    split_words,
)

SLASH = "/entraide"
GROUP = "entraide"
# Message shortcut callback ids (the manifest declares them) → (core command, option).
SHORTCUTS = {"entraide_helpful": ("helpful", "message"), "entraide_accept": ("accept", "message")}
MEMBER_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
CHANNEL_RE = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
TS_RE = re.compile(r"^\d{10}\.\d{6}$")
LINK_RE = re.compile(r"^<?https://[^/]+\.slack\.com/archives/[A-Z0-9]+/p(\d{10})(\d{6})\S*?>?$")


class SlackResolver:
    """Members, channels and messages as Slack writes them in a command's text."""

    def member(self, token: str) -> str | None:
        """<@U123|name>, <@U123>, or a bare user id."""
        found = MEMBER_RE.match(token.strip())
        if found:
            return found.group(1)
        return token if re.fullmatch(r"[UW][A-Z0-9]{2,}", token) else None

    def channel(self, token: str) -> str | None:
        """<#C123|name>, a channel id, or #name (looked up by name when used)."""
        found = CHANNEL_RE.match(token.strip())
        if found:
            return found.group(1)
        name = token.strip().removeprefix("#")
        return name if re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,79}", name) else None

    def message(self, token: str) -> str | None:
        """A message's ts (1700000000.000100) or its link (Copy link)."""
        token = token.strip()
        if TS_RE.match(token):
            return token
        found = LINK_RE.match(token)
        return f"{found.group(1)}.{found.group(2)}" if found else None


def usage(spec: CommandSpec) -> str:
    """As typed on Slack: everything goes through /entraide (`/entraide rep [MEMBER]`)."""
    return spec.usage(f"{GROUP} {spec.name.removeprefix(GROUP + ' ')}")


def invocation(text: str, table: CommandTable) -> tuple[CommandSpec, dict[str, Any]]:
    """The core command named by the text after /entraide, with its typed options."""
    words = split_words(text) or ["help"]
    spec, used = table.match(words)
    named = words[:used]
    if spec is None:
        spec, used = table.match([GROUP, *words])
        named = words[: max(used - 1, 0)]
    if spec is None:
        raise ArgumentError("error.unknown_command", name=f"{GROUP} {' '.join(words)}".strip())
    try:
        return spec, parse_options(spec, rest_after(text, named), SlackResolver())
    except ArgumentError as exc:
        if "usage" in exc.params:  # the core writes /rep …; here it is /entraide rep …
            exc.params["usage"] = usage(spec)
        raise


def shortcut(
    callback_id: str, message_ts: str, table: CommandTable
) -> tuple[CommandSpec, dict[str, Any]]:
    """A message shortcut ("Mark helpful", "Accept as solution") as its core command."""
    found = SHORTCUTS.get(callback_id)
    spec = table.specs.get(found[0]) if found else None
    if found is None or spec is None or not TS_RE.match(message_ts):
        raise ArgumentError("error.unknown_command", name=callback_id)
    return spec, {found[1]: message_ts}
