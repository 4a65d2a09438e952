"""`python -m bot insights`: one community's health figures over some days, as text, HTML or
CSV (`--csv OUT` writes OUT, the figures, and OUT's sibling `<stem>-questions.csv`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core.identity import Community
from bot.insights.model import Insights, Period
from bot.locales import LANGUAGES
from bot.settings import Settings
from bot.settings.community_config import effective, load_overrides
from bot.storage import communities
from bot.storage.db import bundled_migrations, stored_version
from bot.storage.urls import DatabaseUrl

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Refused(Exception):
    """The command can't run as asked; the message is the line the user sees."""


@dataclass(frozen=True)
class Found:
    """What the report needs about the community besides its figures."""

    name: str
    language: str
    timezone: str
    insights: Insights


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `insights`."""
    cmd = sub.add_parser("insights", help="community health figures: text, HTML or CSV")
    cmd.add_argument("--db", type=Path, help="database file (default from settings)")
    # Dates are checked by run(), not argparse, so a bad one is one line and not the usage too.
    cmd.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day (local)"
    )
    cmd.add_argument(
        "--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day, included"
    )
    cmd.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained report")
    cmd.add_argument(
        "--csv",
        type=Path,
        metavar="OUT",
        help="write the figures to OUT (figure,value,previous) and one row a question to"
        " OUT's sibling <stem>-questions.csv",
    )
    cmd.add_argument("--community", metavar="ID", help="row id or platform id (if several)")
    cmd.add_argument("--lang", choices=LANGUAGES, help="default: the community's language")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the figures or write the report; 2 with one line when it can't."""
    try:
        first, last = _day(args.first, "--from"), _day(args.last, "--to")
        if first > last:
            raise Refused(f"--from {first} is after --to {last}")
        url = settings.database(args.db)
        if url.kind == "sqlite" and not (url.path and url.path.is_file()):
            raise Refused(f"no database at {url.path}")
        outputs: dict[Path, str] = {}
        if args.html is not None:
            _check_writable(args.html, "the report")
        if args.csv is not None:
            for path in csv_paths(args.csv):
                _check_writable(path, "the CSV")
        found = asyncio.run(
            _figures(url, args.community, first, last, settings, args.csv is not None)
        )
    except Refused as exc:
        return _refuse(str(exc))
    except (sqlite3.Error, OSError) as exc:  # asyncpg's refusals are OSErrors too
        return _refuse(f"cannot read {_shown(url)}: {exc}")
    language = args.lang or found.language
    if args.html is None and args.csv is None:
        sys.stdout.write("".join(f"{line}\n" for line in as_text(found, language)))
        return 0
    if args.html is not None:
        from bot.insights.report import html_report

        outputs[args.html] = html_report(
            found.insights, community=found.name, language=language, timezone=found.timezone
        )
    if args.csv is not None:
        from bot.insights.export import figures_csv, questions_csv

        figures_path, questions_path = csv_paths(args.csv)
        outputs[figures_path] = figures_csv(found.insights)
        outputs[questions_path] = questions_csv(found.insights)
    for path, text in outputs.items():
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            return _refuse(f"cannot write {path}: {exc.strerror}")
        sys.stdout.write(f"wrote {path}\n")
    return 0


def csv_paths(out: Path) -> tuple[Path, Path]:
    """The figures file and its per-question sibling: week.csv → week-questions.csv."""
    stem = out.name.removesuffix(".csv") if out.name.endswith(".csv") else out.name
    return out, out.with_name(f"{stem}-questions.csv")


def _refuse(line: str) -> int:
    """The one line on stderr, and exit code 2 (written, not printed: bot/ has no print)."""
    sys.stderr.write(f"entraide: {line}\n")
    return 2


def _day(text: str, option: str) -> date:
    """A YYYY-MM-DD date, or a refusal naming the option."""
    try:
        if DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise Refused(f"{option} {text!r} is not a date (YYYY-MM-DD)")


def _check_writable(path: Path, what: str) -> None:
    """Refuse before the work, not after it, when a file can't be written there."""
    folder = path.resolve().parent
    if path.is_dir():
        raise Refused(f"cannot write {what} to {path}: it is a folder")
    if not folder.is_dir():
        raise Refused(f"cannot write {what} to {path}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise Refused(f"cannot write {what} to {path}: permission denied")


def _shown(url: DatabaseUrl) -> str:
    """The database as messages name it: the file, or the URL without its password."""
    return str(url.path) if url.kind == "sqlite" else url.redacted()


@asynccontextmanager
async def _reading(url: DatabaseUrl) -> AsyncIterator[aiosqlite.Connection]:
    """A connection to a database at this Entraide's schema, that reads and migrates
    nothing: the bot may be running on it."""
    if url.kind == "postgresql":
        from bot.storage.postgres import PostgresDatabase

        assert url.dsn is not None
        shared = PostgresDatabase(url.dsn, pool_size=1)
        await shared.open(migrations=[])
        try:
            _check_schema(await shared.schema_version() or None, _shown(url))
            async with shared.read() as conn:
                yield conn
        finally:
            await shared.close()
        return
    assert url.path is not None
    uri = url.path.resolve().as_uri() + "?mode=ro"
    async with aiosqlite.connect(uri, uri=True) as conn:
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA busy_timeout = 5000")
        _check_schema(await stored_version(conn), _shown(url))
        yield conn


async def _figures(
    url: DatabaseUrl,
    wanted: str | None,
    first: date,
    last: date,
    settings: Settings,
    table: bool = False,
) -> Found:
    """The community and its figures from [first, last + 1 day) in its time zone."""
    from bot.insights.figures import compute  # here: keeps matplotlib & co off `run`

    async with _reading(url) as conn:
        community_id, community = await _community(conn, wanted)
        config = effective(settings.community, await load_overrides(conn, community_id))
        zone = ZoneInfo(config.timezone)
        # Midnight to midnight in the community's zone, --to included.
        start, end = (datetime.combine(d, time(), zone) for d in (first, last + timedelta(1)))
        insights = await compute(
            conn,
            community_id,
            Period(start.astimezone(UTC), end.astimezone(UTC)),
            claim_sla_minutes=config.claim_sla_minutes,
            timezone=config.timezone,
            table=table,
        )
    name = str(community.name) or f"{community.platform} {community.id}"
    return Found(name, config.language, config.timezone, insights)


def _check_schema(version: int | None, shown: str) -> None:
    """An older database lacks tables the figures read: say so instead of a SQL error."""
    if version is None:
        raise Refused(f"{shown} is not an Entraide database")
    latest = bundled_migrations()[-1].version
    if version < latest:
        raise Refused(
            f"{shown} is at schema {version}, this Entraide needs {latest}:"
            " start the bot on it once to upgrade it"
        )


async def _community(conn: aiosqlite.Connection, wanted: str | None) -> tuple[int, Community]:
    """The one community, or the one named by row id, platform id or 'platform:id'."""
    rows = await communities.every(conn)
    if not rows:
        raise Refused("the database holds no community yet")
    if wanted is None and len(rows) == 1:
        return rows[0]
    matches = [(i, c) for i, c in rows if wanted in {f"{i}", f"{c.id}", f"{c.platform}:{c.id}"}]
    if len(matches) == 1:
        return matches[0]
    listing = "".join("\n  " + _printable(f"{i}  {c.platform}  {c.id}  {c.name}") for i, c in rows)
    problem = "several communities" if wanted is None else f"no single community {wanted!r}"
    raise Refused(f"{problem}; pick one with --community ID:{listing}")


def as_text(found: Found, language: str) -> list[str]:
    """The figures as lines for a terminal, labels from the report's catalogue."""
    from bot.insights.charts import translator
    from bot.insights.report import figure_rows, period_line, previous_line, tables

    t = translator(language)
    title = t("insights.report.title", community=_printable(found.name))
    lines = [title, period_line(found.insights, language, found.timezone)]
    lines += [previous_line(found.insights, language, found.timezone), ""]
    for r in figure_rows(found.insights, language):
        value = f"{r.value} ({r.change})" if r.change else r.value
        lines.append(t("insights.report.line", label=r.label, value=value))
    for table in tables(found.insights, language):
        lines.append(
            t("insights.report.line", label=t(f"insights.report.{table.key}"), value="").rstrip()
        )
        lines += [f"  {_row(row, table.columns, t)}" for row in table.rows] or [
            f"  {t(f'insights.report.{table.key}_none')}"
        ]
    return lines


def _row(row: tuple[str, ...], columns: tuple[str, ...], t: Callable[..., str]) -> str:
    """'bob: Answers 12, Helpful answers 9, Points 400' (the first column names the row)."""
    text = ", ".join(f"{c} {v}" for c, v in zip(columns[1:], row[1:], strict=True))
    return t("insights.report.line", label=_printable(row[0]), value=text)


def _printable(text: str) -> str:
    """Member and community names are user input: no terminal control characters."""
    return "".join(c if c.isprintable() else "?" for c in text)
