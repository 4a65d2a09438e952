"""Leaderboard messages (built from a translate function: commands and scheduled posts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cogs.leaderboard._periods import Window
from bot.storage.standings import Standing

Translate = Callable[..., str]
MEDALS = 3  # the first places have their own label in the catalogue (leaderboard.place_1 …)


def board(
    t: Translate, window: Window, rows: list[Standing], newcomers: set[int], timezone: str
) -> str:
    """Top members of a window, newcomers' first points highlighted."""
    if not rows:
        return t(f"leaderboard.empty_{window.name}")
    out = [
        t(
            f"leaderboard.header_{window.name}",
            start=_day(window.start, timezone),
            end=_day(window.end - timedelta(seconds=1) if window.end else None, timezone),
        )
    ]
    for place, row in enumerate(rows, start=1):
        item = t(
            "leaderboard.item",
            place=t(f"leaderboard.place_{place}")
            if place <= MEDALS
            else t("leaderboard.place", place=place),
            member=row.external_id,
            points=row.points,
        )
        if row.member_id in newcomers:
            item += " " + t("leaderboard.newcomer")
        out.append(item)
    return "\n".join(out)


def _day(at: datetime | None, timezone: str) -> str:
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d")
