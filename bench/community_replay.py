"""The proving ground: a real forum (SemEval-2016 dev, Qatar Living) replayed at its own pace
through the console community, and what the bot did beside what the data says.

    python -m bench.community_replay [--limit N] [--escalate-when unanswered|unhelped|unsolved]
        [--model] [--db PATH] [--transcript FILE] [--data DIR] [--database-url postgresql://…]

The timeline is built in bench/replay_data.py; here it is played as console script lines
(the path `python -m bot run --console --script` takes), with one `wait` between events; the
clock stops at every timer due on the way, so nudges, escalations, reminders and closes happen
at their own moment.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import TextIO

from bench import replay_data
from bench.replay_records import BotRecords, read_records
from bench.replay_table import render, table
from bot.adapters.console.adapter import COMMUNITY, ConsoleAdapter, ConsoleOutput
from bot.core.clock import Clock
from bot.insights.figures import compute
from bot.insights.model import Insights, Period
from bot.runtime.app import App
from bot.settings import load_settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "semeval2016-dev"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday morning
POLICIES = ("unanswered", "unhelped", "unsolved")
ADMIN = "admin"  # [console] admins in config/default.toml
AFTER_LAST_QUESTION = timedelta(days=4)
AFTER_LAST_STEP = timedelta(hours=73)  # the 72-hour close of the last reply, and a margin


@dataclass(frozen=True)
class Options:
    """What to replay and how."""

    data: Path = DATA
    limit: int | None = None
    escalate_when: str | None = None
    model: bool = False
    db: Path | None = None
    transcript: Path | None = None
    # postgresql://…: the bot keeps its data there instead of a SQLite file (an empty
    # database or schema: the replay's community must be the only one)
    database_url: str | None = None


@dataclass
class Played:
    """What the replay measured about itself."""

    seconds: float = 0.0
    lines: int = 0
    waits: int = 0
    errors: list[str] | None = None
    policy_note: str = ""
    transcript_lines: int = 0
    transcript_bytes: int = 0


class Replayer:
    """Feeds script lines to a console community and moves its clock event by event."""

    def __init__(self, app: App, adapter: ConsoleAdapter) -> None:
        self.app = app
        self.adapter = adapter
        self.played = Played(errors=[])

    async def feed(self, line: str) -> list[str]:
        """Play one line; returns what it printed (a bad line is kept in `errors`)."""
        before = len(self.adapter.output.lines)
        self.played.lines += 1
        if not await self.adapter.feed(line, self.played.lines):
            assert self.played.errors is not None
            self.played.errors.append(self.adapter.output.lines[-1])
        return self.adapter.output.lines[before:]

    async def wait_until(self, target: datetime) -> None:
        """Advance to `target` with one `wait` (the clock itself stops at each timer due on
        the way, so nudges and escalations happen at their own moment)."""
        now = self.app.clock.now()
        if now < target:
            seconds = max(1, int(-(-(target - now).total_seconds() // 1)))  # whole seconds, up
            self.played.waits += 1
            await self.feed(f"wait {_duration(seconds)}")


def _duration(seconds: int) -> str:
    """A `wait` argument: 3725 → 1h2m5s."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (secs, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def _channel(app: App) -> str:
    return app.settings.community.help_channels[0]


async def _set_policy(replayer: Replayer, policy: str) -> str:
    """Set escalate_when as the admin; a note when this bot doesn't have the setting."""
    printed = await replayer.feed(
        f"{ADMIN} in #general /entraide config set escalate_when {policy}"
    )
    app = replayer.app
    config = await app.community_config(await app.community_id(COMMUNITY))
    if getattr(config, "escalate_when", None) == policy:
        return f"escalate_when = {policy}"
    said = printed[-1] if printed else "(nothing printed)"
    return f"escalate_when {policy} NOT set (this bot has no such setting?): {said}"


def _app(options: Options, db_path: Path, stream: TextIO | None) -> tuple[App, ConsoleAdapter]:
    settings = load_settings(environ={})
    if options.database_url is not None:
        settings = settings.model_copy(update={"database_url": options.database_url})
    # Without --model the knowledge base runs lexical-only and nudges rank by hashed words:
    # no 6 s model load, and the escalation figures don't depend on the model.
    loader = None if options.model else (lambda: None)
    app = App(settings, clock=Clock(START, frozen=True), db_path=db_path, embedder_loader=loader)
    adapter = ConsoleAdapter(app, ConsoleOutput(stream))
    app.add_adapter(adapter)
    return app, adapter


async def _play(
    options: Options, line: replay_data.Timeline, db_path: Path, stream: TextIO | None
) -> tuple[Played, BotRecords, Insights]:
    app, adapter = _app(options, db_path, stream)
    await app.start()
    try:
        replayer = Replayer(app, adapter)
        if options.escalate_when:
            replayer.played.policy_note = await _set_policy(replayer, options.escalate_when)
        channel = _channel(app)
        started = time.perf_counter()
        for step in line.steps:
            await replayer.wait_until(step.at)
            await replayer.feed(step.line(channel))
        await replayer.wait_until(
            max(line.last_question_at + AFTER_LAST_QUESTION, line.last_step_at + AFTER_LAST_STEP)
        )
        replayer.played.seconds = time.perf_counter() - started
        community_id = await app.community_id(COMMUNITY)
        config = await app.community_config(community_id)
        async with app.db.read() as conn:
            records = await read_records(conn, community_id, timedelta(minutes=config.sla_minutes))
            insights = await compute(
                conn,
                community_id,
                Period(START, app.clock.now()),
                claim_sla_minutes=config.claim_sla_minutes,
                timezone=config.timezone,
                now=app.clock.now(),
            )
    finally:
        await app.stop()
    played = replayer.played
    played.transcript_lines = len(adapter.output.lines)
    played.transcript_bytes = sum(len(x.encode()) + 1 for x in adapter.output.lines)
    return played, records, insights


@dataclass(frozen=True)
class Outcome:
    """A finished replay: the timeline, both sides of the table, and how the run went."""

    line: replay_data.Timeline
    data: replay_data.DataFigures
    bot: BotRecords
    insights: Insights
    played: Played

    def rows(self) -> list[tuple[str, str, str]]:
        """The side-by-side table."""
        return table(self.line, self.data, self.bot, self.insights, self.bot.sla_minutes)


def _remove_database(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


async def replay(options: Options) -> Outcome | None:
    """Replay the forum on a fresh database; None when the data is absent."""
    if not (options.data / "corpus.jsonl").is_file():
        return None
    questions, answers = replay_data.load(options.data, options.limit)
    line = replay_data.timeline(questions, answers, START)
    with tempfile.TemporaryDirectory(prefix="entraide-replay-") as tmp:
        db_path = options.db or Path(tmp) / "replay.db"
        if options.db is not None:
            _remove_database(db_path)  # a fresh database every run
        out = options.transcript.open("w", encoding="utf-8") if options.transcript else None
        try:
            played, bot, insights = await _play(options, line, db_path, out)
        finally:
            if out is not None:
                out.close()
    data = replay_data.figures(line, timedelta(minutes=bot.sla_minutes))
    return Outcome(line, data, bot, insights, played)


async def run(options: Options | None = None) -> None:
    """Replay the forum and print the side-by-side table (skipped when the data is absent)."""
    options = options or Options()
    outcome = await replay(options)
    if outcome is None:
        print(f"community_replay: skipped, no data at {options.data}")
        return
    print(render(outcome.rows()))
    _summary(options, outcome.played, outcome.line)


def _summary(options: Options, played: Played, line: replay_data.Timeline) -> None:
    buffer = StringIO()
    if played.policy_note:
        buffer.write(f"policy: {played.policy_note}\n")
    errors = played.errors or []
    buffer.write(
        f"community_replay: {line.questions} questions, {len(line.steps)} steps, "
        f"{played.lines} script lines ({played.waits} waits) in {played.seconds:.1f} s "
        f"({played.lines / max(played.seconds, 1e-9):.0f} lines/s); transcript "
        f"{played.transcript_lines} lines, {played.transcript_bytes / 1024:.0f} KiB; "
        f"{len(errors)} bad lines; model {'on' if options.model else 'off (lexical-only)'}\n"
    )
    for error in errors[:5]:
        buffer.write(f"  {error}\n")
    if options.db:
        buffer.write(f"database kept at {options.db}\n")
    print(buffer.getvalue(), end="")


def parse(argv: Sequence[str] | None = None) -> Options:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.community_replay", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help="the semeval2016-dev folder")
    parser.add_argument("--limit", type=int, default=None, help="replay the first N questions")
    parser.add_argument("--escalate-when", choices=POLICIES, default=None)
    parser.add_argument("--model", action="store_true", help="load the real embedding model")
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    parser.add_argument("--transcript", type=Path, default=None, help="write the transcript")
    parser.add_argument(
        "--database-url", default=None, help="postgresql://… (an empty one) instead of SQLite"
    )
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return Options(
        args.data,
        args.limit,
        args.escalate_when,
        args.model,
        args.db,
        args.transcript,
        args.database_url,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """python -m bench.community_replay."""
    asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    main()
