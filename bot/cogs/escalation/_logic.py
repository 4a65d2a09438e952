"""Which questions go to staff at once, and who is on duty next."""

from __future__ import annotations

from bot.retrieval.text import tokenize
from bot.storage.community_help import Help


def sensitive(text: str, setting: str, language: str = "en") -> str | None:
    """The first sensitive keyword the text contains, compared word by word on stems (so
    'invoices' matches 'invoice' and 'charged' matches 'charge'), accents ignored."""
    words = tokenize(text, language)
    for keyword in (k.strip() for k in setting.split(",")):
        wanted = tokenize(keyword, language)
        if wanted and any(
            words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1)
        ):
            return keyword
    return None


def next_on_duty(setting: str, last: str | None) -> str | None:
    """Round-robin over the on-duty list: the one after `last` (or the first)."""
    staff = [s.strip().removeprefix("@") for s in setting.split(",") if s.strip()]
    if not staff:
        return None
    if last not in staff:
        return staff[0]
    return staff[(staff.index(last) + 1) % len(staff)]


def due_at_sla(policy: str, help: Help) -> bool:
    """Whether the SLA sends a question to staff: never once solved, closed or deleted; else
    by the community's policy (no answer yet, no helpful answer yet, or not solved)."""
    if help.solved or help.closed or help.deleted:
        return False
    if policy == "unanswered":
        return not help.answered
    if policy == "unhelped":
        return not help.helped
    return True
