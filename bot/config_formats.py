"""Setting values that are more than a type: ranks, rank roles, cron schedules, time zones.

Each check returns the value or raises ValueError with a hint that admins see as is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RANK_RE = re.compile(r"^\s*(?P<name>[^\d,=]+?)\s+(?P<points>\d+)\s*$")
EMOJI_RE = re.compile(r"^(:[a-z0-9_+-]+:|[^\s\w]{1,8})$", re.UNICODE)

DEFAULT_RANKS = "Newcomer 0, Helper 50, Contributor 200, Expert 500, Superfan 1500"


@dataclass(frozen=True)
class Rank:
    """A named threshold of total points."""

    name: str
    points: int


def parse_ranks(text: str) -> list[Rank]:
    """'Newcomer 0, Helper 50, …' → ranks by rising points; the first must be 0."""
    ranks = []
    for part in text.split(","):
        found = RANK_RE.match(part)
        if not found:
            raise ValueError(f"'{part.strip()}' is not 'Name points'")
        ranks.append(Rank(found.group("name").strip(), int(found.group("points"))))
    if not ranks or ranks[0].points != 0:
        raise ValueError("the first rank must start at 0 points")
    if any(b.points <= a.points for a, b in itertools.pairwise(ranks)):
        raise ValueError("points must rise from one rank to the next")
    if len({r.name.lower() for r in ranks}) != len(ranks):
        raise ValueError("rank names must differ")
    return ranks


def rank_message_key(name: str) -> str | None:
    """The catalogue key of a default rank name ('ranks.helper'); None for an admin's own."""
    # Only the display is translated: stored ranks and rank_roles keep the configured names.
    lowered = name.strip().lower()
    defaults = {r.name.lower() for r in parse_ranks(DEFAULT_RANKS)}
    return f"ranks.{lowered}" if lowered in defaults else None


def check_ranks(text: str) -> str:
    """Validate a ranks setting."""
    parse_ranks(text)
    return text


def parse_rank_roles(text: str) -> dict[str, str]:
    """'Helper=@helpers, Expert=@experts' → {rank name (lowercase): role}."""
    roles: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, role = part.partition("=")
        if not sep or not name.strip() or not role.strip():
            raise ValueError(f"'{part}' is not 'Rank=role'")
        roles[name.strip().lower()] = role.strip().removeprefix("@")
    return roles


def check_rank_roles(text: str) -> str:
    """Validate a rank → role map."""
    parse_rank_roles(text)
    return text


def check_cron(text: str) -> str:
    """A five-field crontab line (minute hour day month weekday), as APScheduler reads it."""
    from apscheduler.triggers.cron import CronTrigger

    if len(text.split()) != 5:
        raise ValueError("a cron line has 5 fields: minute hour day month weekday")
    try:
        CronTrigger.from_crontab(text, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"not a valid cron line ({exc})") from None
    return text


def check_timezone(text: str) -> str:
    """An IANA time zone name such as Europe/Paris."""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {text!r} (e.g. UTC, Europe/Paris)") from None
    return text


def check_emoji(text: str) -> str:
    """One emoji, or a :name: as Slack writes them."""
    if not EMOJI_RE.match(text.strip()):
        raise ValueError("one emoji, e.g. ✅ or :white_check_mark:")
    return text.strip()
