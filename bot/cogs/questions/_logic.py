"""Pure rules of the question loop."""

from __future__ import annotations

import unicodedata

from bot.core.identity import Member

OPEN_STATUSES = ("open", "nudged", "escalated")
# Unicode categories nobody sees: format characters (zero-width space, ZWNJ, ZWJ, word
# joiner, BOM, direction marks), separators, controls, and marks with no base to sit on.
INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc", "Mn", "Me"})
# Letters and symbols that draw as blank space (Hangul fillers, the blank Braille cell):
# the usual way around a "message can't be empty" check.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """Whether a text shows nothing to read: only whitespace and invisible characters."""
    return all(
        ch.isspace() or ch in BLANK_LOOKING or unicodedata.category(ch) in INVISIBLE for ch in text
    )


def status_after_answer(status: str) -> str:
    """A first answer moves a waiting question to 'answered'; other statuses stay."""
    return "answered" if status in ("open", "nudged") else status


def may_solve(member: Member, asker_external_id: str | None) -> bool:
    """The asker, staff and admins may mark a question solved."""
    return member.is_moderator or member.id == asker_external_id


def resolution(answers: list[tuple[int, bool]], asker_id: int | None) -> str:
    """Who solved it, for the statistics: community answers first, then staff, else the asker."""
    others = [(author, staff) for author, staff in answers if author != asker_id]
    if any(not staff for _, staff in others):
        return "community"
    if others:
        return "staff"
    return "asker"
