"""Console output: one readable line per message (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.limits import pieces
from bot.core.replies import MENTION_RE, Attachment, Button

LIMIT = 4000  # characters of one bot message: a screenful, like a chat platform's cap


def render_text(text: str, *, markup: bool = True) -> str:
    """Bot mentions as @name, a bot message cut with "…" past 4,000 characters; continuation
    lines indented under the first.

    Members' own text (`markup=False`) is shown exactly as typed.
    """
    plain = (
        MENTION_RE.sub(lambda m: "@" + m.group(1), pieces(text, LIMIT, 1)[0]) if markup else text
    )
    return "\n    ".join(plain.splitlines() or [""])


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
) -> str:
    """`M5 [#help › Q1] entraide: text  [Button]`; `place` is already bracketed; each file
    a continuation line `    📎 name (12 KB)`."""
    line = f"{message_id} {place} {author}: {render_text(text, markup=markup)}"
    if buttons:
        line += "  " + render_buttons(buttons)
    for file in files:
        line += f"\n    📎 {file.name} ({file_size(len(file.data))})"
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
