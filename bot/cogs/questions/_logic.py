"""Pure rules of the question loop."""

from __future__ import annotations

from bot.core.identity import Member

OPEN_STATUSES = ("open", "nudged", "escalated")


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
