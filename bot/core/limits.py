"""How much text one message may hold (pure): short excerpts of quoted member text, and long
replies in pieces a platform accepts, cut at a paragraph, a line or a word, never inside a
mention or a link, and marked with "…" where something was left out."""

from __future__ import annotations

import re

ELLIPSIS = "…"
# Never cut inside these: neutral mentions (<@id>), Slack markup (<url|label>, <@U1>, <#C1>),
# Markdown links, bare web addresses and the entities Slack's escaping writes (&lt;).
ATOMS = re.compile(
    r"<[@#!][^<>\s]*>|<https?://[^<>]*>|\[[^\]\n]*\]\([^)\s]*\)|https?://\S+|&[a-z]+;"
)
FENCE = "```"
# Room a piece keeps for closing a code block and reopening it in the next (see fenced).
FENCE_ROOM = 2 * len("\n" + FENCE)
# Whitespace that may end a piece, best first: a paragraph, a line, a word.
BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"\s+"))

# Quoted member text, by where the bot quotes it (characters, "…" included).
ECHO = 300  # an argument or value echoed in an error or a confirmation
QUOTE = 100  # a value quoted again inside the reason it was refused
CARD = 600  # a question on a suggestion, escalation or queue card
NUDGE = 160  # a question in a nudge or a list line
POST = 1500  # the question /ask posts in the channel
NOTE = 200  # the reason an admin gives for points added by hand


def excerpt(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start cut at a word with "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    end, _ = _cut(text, limit - len(ELLIPSIS))
    return text[:end].rstrip() + ELLIPSIS


def pieces(text: str, limit: int, most: int | None = None) -> list[str]:
    """`text` in pieces of at most `limit` characters, at most `most` of them (the last cut
    with "…" when the rest doesn't fit). Only whitespace is lost where a piece ends; there
    is always at least one piece (maybe empty)."""
    found: list[str] = []
    rest = text
    while rest.strip():
        if len(rest) > limit:  # whitespace around it would only take room
            rest = rest.strip()
        if len(rest) <= limit:
            found.append(rest.rstrip())
            break
        if most is not None and len(found) == most - 1:
            found.append(excerpt(rest.rstrip(), limit))
            break
        end, resume = _cut(rest, limit)
        piece = rest[:end].rstrip()
        if piece:
            found.append(piece)
        rest = rest[resume:]
    return found or [""]


def markdown_pieces(text: str, limit: int, most: int | None = None) -> list[str]:
    """pieces() of Markdown: a code block split between pieces is closed at the end of one
    and reopened in the next, so the rest doesn't show as code."""
    if len(text) <= limit or FENCE not in text:  # one piece as written, or no code
        return pieces(text, limit, most)
    return fenced(pieces(text, limit - FENCE_ROOM, most))


def fenced(found: list[str]) -> list[str]:
    """Pieces whose code blocks are whole: a piece that ends inside a ``` block closes it,
    and the next reopens it (each piece may grow by FENCE_ROOM characters)."""
    shown: list[str] = []
    inside = False
    for piece in found:
        text = f"{FENCE}\n{piece}" if inside else piece
        inside = text.count(FENCE) % 2 == 1
        shown.append(f"{text}\n{FENCE}" if inside else text)
    return shown


def _cut(text: str, limit: int) -> tuple[int, int]:
    """Where a piece of at most `limit` characters ends and where the rest starts: the last
    paragraph or line break in the second half of the room, else the last word break in its
    last three quarters, else a hard cut (moved back to the start of a mention or link it
    would split)."""
    window = text[: limit + 1]
    atoms = [(m.start(), m.end()) for m in ATOMS.finditer(text, 0, min(len(text), limit * 2))]
    for pattern, floor in zip(BREAKS, (limit // 2, limit // 2, limit // 4), strict=True):
        best: tuple[int, int] | None = None
        for found in pattern.finditer(window, max(floor, 1)):
            at = found.start()
            if at <= limit and not any(start < at < end for start, end in atoms):
                best = (at, found.end())
        if best is not None:
            return best
    for start, end in atoms:
        if 0 < start < limit < end:
            return start, start
    return limit, limit
