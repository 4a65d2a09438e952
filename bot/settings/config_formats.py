"""Setting values that are more than a type: ranks, rank roles, cron schedules, time zones.

Each check returns the value or raises a Reason (bot.settings.reasons): why, with an example.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import zoneinfo
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.settings.reasons import Reason, Term

RANK_RE = re.compile(r"^\s*(?P<name>[^\d,=]+?)\s+(?P<points>\d+)\s*$")
EMOJI_RE = re.compile(r"^(:[a-z0-9_+-]+:|[^\s\w]{1,8})$", re.UNICODE)

DEFAULT_RANKS = "Newcomer 0, Helper 50, Contributor 200, Expert 500, Superfan 1500"
# APScheduler's name of each crontab field, and the values it takes.
CRON_FIELDS = {
    "minute": "0-59",
    "hour": "0-23",
    "day": "1-31",
    "month": "1-12, jan-dec",
    "day_of_week": "0-6, mon-sun",
}
CRON_EXAMPLE = "0 9 * * mon"


@dataclass(frozen=True)
class Rank:
    """A named threshold of total points."""

    name: str
    points: int

    def __str__(self) -> str:
        return f"{self.name} {self.points}"


def parse_ranks(text: str) -> list[Rank]:
    """'Newcomer 0, Helper 50, …' → ranks by rising points; the first must be 0."""
    ranks = []
    for part in text.split(","):
        found = RANK_RE.match(part)
        if not found:
            raise Reason("settings.rank_format", part=part.strip(), example=DEFAULT_RANKS)
        ranks.append(Rank(found.group("name").strip(), int(found.group("points"))))
    if not ranks or ranks[0].points != 0:
        raise Reason("settings.rank_start", example=DEFAULT_RANKS)
    for low, high in itertools.pairwise(ranks):
        if high.points <= low.points:
            raise Reason("settings.rank_order", low=str(low), high=str(high))
    seen: set[str] = set()
    for rank in ranks:
        if rank.name.lower() in seen:
            raise Reason("settings.rank_twice", name=rank.name)
        seen.add(rank.name.lower())
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
            raise Reason("settings.rank_role_format", part=part)
        roles[name.strip().lower()] = role.strip().removeprefix("@")
    return roles


def check_rank_roles(text: str) -> str:
    """Validate a rank → role map."""
    parse_rank_roles(text)
    return text


def check_roles_name_ranks(rank_roles: str, ranks: str) -> None:
    """Every rank rank_roles names is a configured rank (a typo would never be granted)."""
    known = {r.name.lower(): r.name for r in parse_ranks(ranks)}
    for part in filter(None, (p.strip() for p in rank_roles.split(","))):
        name = part.partition("=")[0].strip()
        if name.lower() not in known:
            raise Reason("settings.rank_unknown", name=name, ranks=", ".join(known.values()))


def check_cron(text: str) -> str:
    """A five-field crontab line (minute hour day month weekday), as APScheduler reads it."""
    from apscheduler.triggers.cron import CronTrigger

    fields = text.split()
    if len(fields) != len(CRON_FIELDS):
        raise Reason("settings.cron_fields", found=len(fields), example=CRON_EXAMPLE)
    try:
        CronTrigger.from_crontab(text, timezone="UTC")
        return text
    except ValueError:
        pass  # which field: tried one by one below
    for value, (name, allowed) in zip(fields, CRON_FIELDS.items(), strict=True):
        try:
            CronTrigger(**{name: value}, timezone="UTC")
        except ValueError:
            raise Reason(
                "settings.cron_field",
                field=Term(f"settings.cron.{name}"),
                value=value,
                allowed=allowed,
                example=CRON_EXAMPLE,
            ) from None
    raise Reason("settings.cron_line", value=text, example=CRON_EXAMPLE)


@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA zone name by its lowercase form, and by its city (Paris → Europe/Paris)."""
    names = sorted(zoneinfo.available_timezones())
    by_city = {n.rsplit("/", 1)[-1].lower(): n for n in names if "/" in n}
    return {**by_city, **{n.lower(): n for n in names}}


def close_zone(text: str) -> str | None:
    """The IANA name someone typing `text` most likely meant, if any."""
    wanted = text.strip().replace(" ", "_").lower()
    zones = _zones()
    if wanted in zones:
        return zones[wanted]
    close = difflib.get_close_matches(wanted, list(zones), n=1, cutoff=0.75)
    return zones[close[0]] if close else None


def check_timezone(text: str) -> str:
    """An IANA time zone name such as Europe/Paris."""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of zones
        suggestion = close_zone(text)
        if suggestion is None:
            raise Reason("settings.timezone_unknown", value=text) from None
        raise Reason("settings.timezone", value=text, suggestion=suggestion) from None
    return text


def check_emoji(text: str) -> str:
    """One emoji, or a :name: as Slack writes them."""
    if not EMOJI_RE.match(text.strip()):
        raise Reason("settings.emoji")
    return text.strip()
