"""Parsing /nudges quiet: the hours a member doesn't want to be asked."""

from __future__ import annotations

import re

QUIET_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")


def parse_quiet(text: str) -> tuple[int, int] | None:
    """'22-7' or '22:30-07:00' → minutes after midnight (from, to); None if malformed."""
    found = QUIET_RE.match(text.replace(" ", ""))
    if not found:
        return None
    h1, m1, h2, m2 = (int(g) if g else 0 for g in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        return None
    return h1 * 60 + m1, h2 * 60 + m2
