"""`python -m bot health`: is the running bot well? For Docker's HEALTHCHECK.

Healthy: the database opens and answers, the last heartbeat of the platforms' connections
(bot.runtime.heartbeat) is recent and, in Slack's HTTP mode, GET /healthz answers. Exit 0 with
one line saying so, else 1 with one line saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.runtime import heartbeat
from bot.settings import Settings
from bot.storage.probe import DatabaseUnusable, probe, schema_version

TIMEOUT = 5.0  # seconds the database and /healthz get to answer: a HEALTHCHECK waits on us


class Unhealthy(Exception):
    """One line saying what is wrong."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `health`."""
    health = sub.add_parser("health", help="exit 0 if the running bot is healthy, else 1")
    health.add_argument("--db", type=Path, help="database file (default from settings)")
    health.add_argument(
        "--max-age",
        type=float,
        default=heartbeat.STALE_AFTER,
        metavar="SECONDS",
        help=f"oldest acceptable heartbeat (default {heartbeat.STALE_AFTER:.0f})",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Check, print one line; 0 healthy, 1 unhealthy."""
    db_path: Path = args.db or settings.storage.db_path
    url = settings.database(args.db)
    try:
        if url.kind == "postgresql":
            assert url.dsn is not None
            version = check_postgres(url.dsn, url.redacted())
        else:
            version = check_database(db_path)
        if http_mode(settings):
            check_http(settings)
        beat = check_heartbeat(heartbeat.path_for(db_path), args.max_age)
    except Unhealthy as exc:
        sys.stderr.write(f"entraide: unhealthy: {exc}\n")
        return 1
    names = " and ".join(name.title() for name in beat.platforms) or "no platform"
    age = time.time() - beat.at
    sys.stdout.write(f"healthy: {names} connected {age:.0f} s ago, database at schema {version}\n")
    return 0


def check_database(db_path: Path) -> int:
    """The schema version, read without writing (the bot has the file open)."""
    if not db_path.is_file() and not db_path.is_dir():
        raise Unhealthy(f"no database at {db_path}")
    try:
        probe(db_path, read_only=True)
        return schema_version(db_path, TIMEOUT)
    except DatabaseUnusable as exc:
        raise Unhealthy(str(exc)) from None
    except sqlite3.Error as exc:
        raise Unhealthy(f"the database {db_path} does not answer: {exc}") from None


def check_postgres(dsn: str, shown: str) -> int:
    """The schema version of the shared PostgreSQL store (read only)."""

    from bot.storage.postgres import stored_version

    try:
        return asyncio.run(stored_version(dsn, TIMEOUT))
    except Exception as exc:  # refused, timed out, no schema_version table: all unhealthy
        if type(exc).__name__ == "UndefinedTableError":
            raise Unhealthy(f"the database {shown} has no Entraide tables") from None
        raise Unhealthy(f"the database {shown} does not answer: {exc}") from None


def check_heartbeat(path: Path, max_age: float) -> heartbeat.Beat:
    """The last heartbeat, if recent enough."""
    try:
        beat = heartbeat.read(path)
    except ValueError as exc:
        raise Unhealthy(str(exc)) from None
    if beat is None:
        raise Unhealthy(f"no heartbeat yet ({path}): the bot has not connected to a platform")
    age = time.time() - beat.at
    if age > max_age:
        raise Unhealthy(
            f"last heartbeat {age:.0f} s ago (more than {max_age:.0f} s):"
            " the platform connection or the bot is down"
        )
    return beat


def http_mode(settings: Settings) -> bool:
    """Slack over HTTP: a bot token and a signing secret, no app token."""
    return bool(
        settings.slack_bot_token and settings.slack_signing_secret and not settings.slack_app_token
    )


def check_http(settings: Settings) -> None:
    """GET /healthz on the port the Slack HTTP server listens on."""
    host = settings.slack_host
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)
    url = f"http://{host}:{settings.slack_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            if response.status != 200:
                raise Unhealthy(f"GET {url} answered {response.status}")
    except (urllib.error.URLError, OSError) as exc:
        raise Unhealthy(f"GET {url} failed: {getattr(exc, 'reason', exc)}") from None
