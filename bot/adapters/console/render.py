"""Console output: one readable line per message (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.limits import pieces
from bot.core.replies import MENTION_RE, Attachment, Button

LIMIT = 4000  # characters of one bot message: a screenful, like a chat platform's cap

# Characters that would move the cursor, clear the screen, colour or reorder the terminal:
# control characters but for the line break and tab, line and paragraph separators,
# U+0085, and the bidirectional overrides.
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# Inline code (`/privacy export`) reads as plain text in a terminal; fenced blocks (```) stay
# whole, since their lines are the code itself.
_CODE = re.compile(r"(```.*?(?:```|$))|(?<!`)(`+)([^\n]+?)(?<!`)\2(?!`)", re.S)


def plain_code(text: str) -> str:
    """Inline code spans without their backticks (`/rep` → /rep); fenced blocks kept."""
    return _CODE.sub(lambda found: found.group(1) or found.group(3), text)


def visible(text: str) -> str:
    """Text safe to print: each such character as an escape (\\x0c, \\u2028); line breaks
    ("\\n") kept."""
    return _HIDDEN.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def render_text(text: str, *, markup: bool = True) -> str:
    """Bot mentions as @name, inline code without its backticks, a bot message cut with "…"
    past 4,000 characters; continuation lines indented under the first.

    Members' own text (`markup=False`) is shown exactly as typed, but for the characters
    visible() escapes; only "\\n" starts a continuation line.
    """
    plain = (
        plain_code(MENTION_RE.sub(lambda m: "@" + m.group(1), pieces(text, LIMIT, 1)[0]))
        if markup
        else text
    )
    return "\n    ".join(visible(plain.removesuffix("\n")).split("\n"))


def render_buttons(buttons: Sequence[Button]) -> str:
    """Buttons as `[Label] [Label]`."""
    return " ".join(f"[{b.label}]" for b in buttons)


def message_line(
    message_id: str,
    author: str,
    text: str,
    *,
    place: str,
    buttons: Sequence[Button] = (),
    markup: bool = True,
    files: Sequence[Attachment] = (),
    saved: Sequence[str] = (),
) -> str:
    """`M5 [#help › Q1] entraide: text  [Button]`; `place` is already bracketed; each file
    a continuation line `    📎 name (12 KB)`, or the `saved` lines when the files were
    saved (`    📎 saved: /path/chart.png (12 KB)`)."""
    line = f"{message_id} {place} {author}: {render_text(text, markup=markup)}"
    if buttons:
        line += "  " + render_buttons(buttons)
    for shown in saved or [f"📎 {f.name} ({file_size(len(f.data))})" for f in files]:
        line += f"\n    {visible(shown)}"
    return line


def file_size(size: int) -> str:
    """Bytes as people read them: 512 B, 12 KB, 1.4 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def place_label(
    channel: str,
    thread_label: str | None,
    *,
    private_to: str | None = None,
    dm_to: str | None = None,
) -> str:
    """Where a message shows: `[#help]`, `[#help › Q1]`, `(only alice)`, `[DM → bob]`."""
    if private_to is not None:
        return f"(only {private_to})"
    if dm_to is not None:
        return f"[DM → {dm_to}]"
    if thread_label is not None:
        return f"[#{channel} › {thread_label}]"
    return f"[#{channel}]"
