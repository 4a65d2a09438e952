"""Which questions go to staff at once, and who is on duty next."""

from __future__ import annotations

import re

from bot.retrieval.text import fold


def keywords(setting: str) -> list[str]:
    """The configured sensitive keywords, folded (lowercase, no accents)."""
    return [fold(k.strip()) for k in setting.split(",") if k.strip()]


def sensitive(text: str, setting: str) -> str | None:
    """The first sensitive keyword the text contains as whole words, if any."""
    folded = fold(text)
    for keyword in keywords(setting):
        if re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", folded):
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
