"""The /questions page: a header with the total, one line a question, how to see more."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.limits import excerpt as shorten
from bot.core.replies import linked
from bot.storage.triage import Waiting

PER_PAGE = 10
EXCERPT = 90  # characters: ten lines and their links stay under one Discord message
Translate = Callable[..., str]

# Many members' words in one bot message: none of them may ping, link or format. Renderers
# already stop pings (Discord's allowed mentions, Slack's escaping); this also keeps <@id>,
# [text](url) and **bold** from forming markup the bot would show as its own.
_INERT = str.maketrans({"<": "‹", ">": "›", "[": "(", "]": ")", "*": "∗", "`": "ʹ", "|": "¦"})
_BROADCAST = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """A question of the page, with where it can be opened and how long it has waited."""

    item: Waiting
    link: str
    age_seconds: float


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The question on one short line, inert (see _INERT)."""
    line = shorten(" ".join(text.split()), limit)
    return _BROADCAST.sub("@\u200b\\1", line.translate(_INERT))


def page(
    t: Translate, which: str, place: str | None, number: int, total: int, lines: list[Line]
) -> str:
    """The whole reply; `place` is the channel's link when the list is for one channel."""
    where = t("queue.in_channel", channel=place) if place else ""
    pages = max(1, math.ceil(total / PER_PAGE))
    if total == 0:
        return t(f"queue.empty_{which}", channel=where)
    if not lines:
        return t("queue.past_end", page=number, pages=pages)
    out = [t(f"queue.header_{which}", total=total, channel=where, page=number, pages=pages)]
    for line in lines:
        item = line.item
        out.append(
            t(
                "queue.item",
                ref=linked(item.ref, line.link),
                age=line.age_seconds,
                answers=item.answers,
                helpful=t("queue.helpful") if item.helpful else "",
                excerpt=excerpt(item.text),
            )
        )
    if number < pages:
        channel = f" {place}" if place else ""
        out.append(t("queue.next", filter=which, channel=channel, page=number + 1))
    return "\n".join(out)
