"""When a failed timer is tried again: by what kind of failure it was (see timers.py for why)."""

from __future__ import annotations

import socket
from datetime import timedelta
from enum import Enum

import aiohttp

from bot.core.ports import NotReady

# A failure that won't heal by itself (a bug, a refused permission): a short schedule, so a
# broken handler doesn't retry for a day, and an admin's fix within the hour is still used.
SHORT = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
# A failure that heals (network, 5xx, 429): backoff to hourly tries, over 24 h in all.
HEALING = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    *([timedelta(hours=1)] * 24),
)
# No answer at all: refused or reset connections, timeouts, DNS, aiohttp's transport errors.
NETWORK = (ConnectionError, TimeoutError, socket.gaierror, aiohttp.ClientError)
# A platform not connected yet (reconnecting): soon again, and the try doesn't count.
NOT_READY_AFTER = timedelta(seconds=30)


class Failure(Enum):
    """What kind of failure a timer's handler met."""

    NOT_READY = "not ready"
    HEALABLE = "healable"
    OTHER = "other"


def classify(exc: BaseException) -> Failure:
    """Whether `exc` (or what caused it) is a platform not ready, a failure that heals, or
    anything else. Platform errors are recognised by their HTTP status (discord.py's
    HTTPException.status, slack_sdk's SlackApiError.response.status_code): the scheduler
    imports no platform library."""
    seen: set[int] = set()
    found = Failure.OTHER
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = _one(current)
        if kind is Failure.NOT_READY:
            return kind
        if kind is Failure.HEALABLE:
            found = kind
        current = current.__cause__ or current.__context__
    return found


def _one(exc: BaseException) -> Failure:
    if isinstance(exc, NotReady):
        return Failure.NOT_READY
    status = getattr(exc, "status", None)
    if not isinstance(status, int):
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int):  # an HTTP answer: only rate limits and server errors heal
        return Failure.HEALABLE if status == 429 or 500 <= status < 600 else Failure.OTHER
    if isinstance(exc, NETWORK):
        return Failure.HEALABLE
    return Failure.OTHER


def retry_after(failure: Failure, attempts: int) -> timedelta | None:
    """How long until the next try after `attempts` counted failed tries (this one not yet
    counted), or None: give up. A NOT_READY failure is never counted."""
    if failure is Failure.NOT_READY:
        return NOT_READY_AFTER
    schedule = HEALING if failure is Failure.HEALABLE else SHORT
    return schedule[attempts] if attempts < len(schedule) else None
