"""/leaderboard and /rep at 1,000,000 reputation ledger rows and 100,000 members.

A year of the console community (cached under BENCH_WORKDIR): Zipf-skewed helpers, marks (4%
taken back), accepts with the asker's bonus, admin adjustments, and the questions, answers,
marks and accepts behind them (/rep reads those too). Each command is timed end to end through
the console adapter, then each SELECT it ran (traced) alone, with the plans of the slow ones.

On SQLite (the cached file) and on PostgreSQL, side by side: the file copied into a fresh
schema of the test PostgreSQL (TEST_POSTGRES_DSN) by migrate-db's code (bot.storage.move),
then VACUUM (ANALYZE) as autovacuum would do soon after (--no-pg-analyze: measured right
after the copy), the same App opened on it; the schema is dropped after. PostgreSQL's plans
are its EXPLAIN (ANALYZE, BUFFERS) of each slow read.

    python -m bench.reputation_bench [--backends sqlite,postgresql] [--no-pg-analyze]
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bench import on_both_stores
from bot.adapters.console.adapter import COMMUNITY, ConsoleAdapter, ConsoleOutput
from bot.cogs.leaderboard import _periods
from bot.core.clock import Clock
from bot.runtime.app import App
from bot.settings import load_settings
from bot.storage import helping
from bot.storage.communities import ensure_community
from bot.storage.db import Database, bundled_migrations
from bot.storage.postgres import PostgresDatabase
from tests.queries.timing import (
    postgres_copy,
    postgres_plan,
    postgres_reads,
)

MEMBERS, LEDGER_ROWS, QUESTIONS, ANSWERS = 100_000, 1_000_000, 300_000, 520_000
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday afternoon
YEAR = 365 * 86_400
RUNS, WARMUP, TARGET_MS, SLOW_MS, CHUNK = 30, 3, 50.0, 1.0, 50_000
# A read on PostgreSQL costs two round trips (prepare, execute) before any work: its plans
# are shown from a higher floor.
SLOW_MS_POSTGRES = 3.0
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
TEXTS = np.array(["How do I mark an answer helpful?", "How do I accept an answer?",
                  "How are ranks earned?", "How do I set up the bot on Slack?"])  # fmt: skip
COLUMNS = {
    "members": "id, community_id, external_id, display_name, is_staff, first_seen",
    "questions": "id, community_id, number, origin_id, channel_id, asker_id, text, created_at",
    "answers": "id, community_id, question_id, message_id, author_id, by_staff, text, created_at",
    "reputation_ledger": "community_id, member_id, delta, kind, reason, note, source_event_id,"
    " question_id, answer_id, actor_id, created_at",
    "helpful_marks": "community_id, answer_id, giver_id, receiver_id, points, marked_at",
    "accepted_answers": "question_id, community_id, answer_id, accepter_id, author_points,"
    " asker_points, accepted_at",
    "leaderboard_optouts": "community_id, member_id, since",
}
Rows = list[tuple[Any, ...]]


def iso(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as `datetime.isoformat()` writes UTC times."""
    text = np.datetime_as_string(seconds.astype("int64").astype("datetime64[s]"))
    return np.char.add(text, "+00:00")


def cat(prefix: str, values: np.ndarray) -> np.ndarray:
    return np.char.add(prefix, values.astype(str))


def table(*columns: Any) -> Rows:
    """Rows from columns: numpy arrays, or one value for every row."""
    size = max(len(c) for c in columns if isinstance(c, np.ndarray))
    lists = [c.tolist() if isinstance(c, np.ndarray) else [c] * size for c in columns]
    return list(zip(*lists, strict=True))


def generate(cid: int, rng: np.random.Generator) -> dict[str, Rows]:
    """Every row of the synthetic community, by table, in insert order."""
    now = NOW.timestamp()
    staff = rng.random(MEMBERS + 1) < 0.01
    by_rank = rng.permutation(MEMBERS) + 1  # member id of each helper rank (Zipf, s = 1)
    weights = 1.0 / np.arange(1, MEMBERS + 1)

    def helpers(n: int) -> np.ndarray:
        return by_rank[rng.choice(MEMBERS, size=n, p=weights / weights.sum())]

    # Answers get 1-3 helpful marks (4% taken back later); 30% are accepted, one per question.
    n = ANSWERS
    author, question = helpers(n), rng.integers(1, QUESTIONS + 1, n)
    asker_of = rng.integers(1, MEMBERS + 1, QUESTIONS + 1)
    asker, t_ans = asker_of[question], now - rng.uniform(0, YEAR, n)
    marks = 1 + (rng.random(n) < 0.35) + (rng.random(n) < 0.10)
    wants = np.flatnonzero((rng.random(n) < 0.3) & (asker != author))
    accepted = np.zeros(n, bool)
    accepted[wants[np.unique(question[wants], return_index=True)[1]]] = True
    m_ans = np.repeat(np.arange(n), marks)
    m_k = np.arange(len(m_ans)) - np.repeat(np.cumsum(marks) - marks, marks)
    offset = rng.integers(1, MEMBERS - 3, n)[m_ans] + m_k  # distinct givers, never the author
    giver = (author[m_ans] - 1 + offset) % MEMBERS + 1
    t_mark = np.minimum(t_ans[m_ans] + rng.exponential(3 * 3600, len(m_ans)), now - 1)
    undone = rng.random(len(m_ans)) < 0.04
    per_answer = marks + np.bincount(m_ans[undone], minlength=n) + 2 * accepted
    kept = int(np.searchsorted(np.cumsum(per_answer), LEDGER_ROWS - 2_000, side="right"))
    n_adj = LEDGER_ROWS - int(per_answer[:kept].sum())
    accepted[kept:] = False
    mk, acc = m_ans < kept, np.flatnonzero(accepted)
    un = mk & undone
    t_acc = np.minimum(t_ans[acc] + rng.exponential(86_400, len(acc)), now - 1)
    t_un = np.minimum(t_mark[un] + rng.exponential(86_400, int(un.sum())), now - 1)
    adj_delta = rng.choice([-50, -20, -10, 10, 20, 50], n_adj)
    adj_at, adj_by = now - rng.uniform(0, YEAR, n_adj), rng.choice(np.flatnonzero(staff), n_adj)
    # member, delta, kind, reason, event prefix, answer id, time, actor, event number
    blocks: list[tuple[Any, ...]] = [
        (author[m_ans[mk]], 10, 0, 0, 0, m_ans[mk] + 1, t_mark[mk], giver[mk], np.flatnonzero(mk)),
        (author[m_ans[un]], -10, 0, 1, 1, m_ans[un] + 1, t_un, giver[un], np.flatnonzero(un)),
        (author[acc], 15, 1, 2, 2, acc + 1, t_acc, asker[acc], acc),
        (asker[acc], 2, 2, 2, 2, acc + 1, t_acc, asker[acc], acc),
        (helpers(n_adj), adj_delta, 3, 3, 3, 0, adj_at, adj_by, np.arange(n_adj)),
    ]
    cols = [np.concatenate([np.broadcast_to(b[i], len(b[0])) for b in blocks]) for i in range(9)]
    order = np.argsort(cols[6], kind="stable")  # ids follow time, as in an append-only log
    member, delta, kind, reason, prefix, answer, at, actor, number = (c[order] for c in cols)
    question_of, has_answer = np.concatenate([[0], question[:kept]]), answer > 0
    kinds = np.array(["helpful", "accepted", "accept_bonus", "adjust"])
    reasons, notes = np.array(["mark", "unmark", "accept", "adjust"]), np.array(["", "bench"])
    events = np.char.add(np.array(list("muax"))[prefix], number.astype(str))
    stand = np.flatnonzero(mk & ~undone)
    ids, qs, ans = np.arange(1, MEMBERS + 1), np.arange(1, QUESTIONS + 1), np.arange(1, kept + 1)
    names, seen = np.char.zfill(ids.astype(str), 6), iso(now - YEAR - rng.uniform(0, YEAR, MEMBERS))
    optouts = np.unique([by_rank[0], by_rank[2], *rng.integers(1, MEMBERS + 1, 4)])
    q_at = iso(now - YEAR - rng.uniform(0, YEAR, QUESTIONS))  # asked before any answer
    texts, a_at = TEXTS[qs % len(TEXTS)], iso(t_ans[:kept])
    q, w, g = question[:kept], author[:kept], author[m_ans[stand]]
    k_col, r_col, n_col = kinds[kind], reasons[reason], notes[(kind == 3) * 1]
    null = np.array(None, dtype=object)
    q_col = np.where(has_answer, question_of[answer], null)
    a_col = np.where(has_answer, answer, null)
    return {
        "members": table(ids, cid, cat("m", names), cat("Member ", names), staff[1:] * 1, seen),
        "questions": table(qs, cid, qs, cat("q", qs), "help", asker_of[1:], texts, q_at),
        "answers": table(ans, cid, q, cat("a", ans), w, staff[w] * 1, "Try this.", a_at),
        "reputation_ledger": table(
            cid, member, delta, k_col, r_col, n_col, events, q_col, a_col, actor, iso(at)
        ),
        "helpful_marks": table(cid, m_ans[stand] + 1, giver[stand], g, 10, iso(t_mark[stand])),
        "accepted_answers": table(question[acc], cid, acc + 1, asker[acc], 15, 2, iso(t_acc)),
        "leaderboard_optouts": table(cid, optouts, NOW.isoformat()),
    }


async def build(path: Path) -> float:
    """Write the database file (to a side name first, so a broken build is never reused)."""
    started = time.perf_counter()
    part = path.with_name(path.name + ".part")
    for stale in path.parent.glob(part.name + "*"):
        stale.unlink()
    db = Database(part)
    await db.open()  # the bot's pragmas and migrations; only the page cache is larger here
    await db.conn.execute("PRAGMA cache_size = -524288")
    async with db.transaction() as tx:
        cid = await ensure_community(tx, COMMUNITY, NOW - timedelta(days=800))
        tables = generate(cid, np.random.default_rng(1118))
        print(f"reputation_bench: rows generated in {time.perf_counter() - started:.1f} s")
        for name, rows in tables.items():
            sql = f"INSERT INTO {name} ({COLUMNS[name]}) VALUES ({', '.join('?' * len(rows[0]))})"
            for at in tqdm(range(0, len(rows), CHUNK), desc=name, unit="chunk", leave=False):
                await tx.executemany(sql, rows[at : at + CHUNK])
    await db.close()
    part.rename(path)
    return round(time.perf_counter() - started, 1)


def ms(f: dict[str, Any]) -> str:
    return f"p50 {f['p50']:7.2f}  p95 {f['p95']:7.2f}  max {f['max']:7.2f} ms"


async def timed(call: Callable[[], Awaitable[object]]) -> dict[str, float]:
    """WARMUP calls, then RUNS timed ones: p50, p95 (nearest rank) and max in ms."""
    samples = []
    for i in range(WARMUP + RUNS):
        t0 = time.perf_counter()
        await call()
        samples += [(time.perf_counter() - t0) * 1000] if i >= WARMUP else []
    ms = sorted(samples)
    p95 = ms[math.ceil(0.95 * len(ms)) - 1]
    return {"p50": round(statistics.median(ms), 2), "p95": round(p95, 2), "max": round(ms[-1], 2)}


async def selects(app: App, call: Callable[[], Awaitable[object]]) -> list[str]:
    """The SELECTs a call runs, parameters inlined, once each, in order."""
    seen: list[str] = []
    await app.db.conn.set_trace_callback(seen.append)
    try:
        await call()
    finally:
        await app.db.conn.set_trace_callback(None)  # type: ignore[arg-type]
    return list(dict.fromkeys(s for s in seen if s.upper().startswith(("SELECT", "WITH"))))


async def plan(app: App, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN as an indented tree."""
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _, detail in await app.db.fetchall("EXPLAIN QUERY PLAN " + sql):
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + detail)
    return out


@dataclass(frozen=True)
class Read:
    """A read a command sent: its text to show, a call running it alone, and its plan."""

    sql: str
    alone: Callable[[], Awaitable[object]]
    plan: Callable[[], Awaitable[list[str]]]


async def reads(app: App, call: Callable[[], Awaitable[object]]) -> list[Read]:
    """The SELECTs a call runs, once each, in order: on SQLite traced with their parameters
    inlined (plans: EXPLAIN QUERY PLAN), on PostgreSQL as the storage module sent them with
    their parameters (plans: EXPLAIN ANALYZE)."""
    db = app.db
    if isinstance(db, PostgresDatabase):
        async with postgres_reads() as found:
            await call()
        return [
            Read(
                f"{' '.join(s.sql.split())} -- {s.params!r}",
                s.alone(db),
                functools.partial(postgres_plan, db, s),
            )
            for s in found
        ]
    return [
        Read(sql, functools.partial(app.db.fetchall, sql), functools.partial(plan, app, sql))
        for sql in await selects(app, call)
    ]


async def measure(
    app: App, adapter: ConsoleAdapter, people: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Each command end to end and the SELECTs it ran alone; helping.top_helpers per period.
    `people`: the members the commands name (another backend's choice: the same ones)."""
    cid = await app.community_id(COMMUNITY)
    config = await app.community_config(cid)
    slow_ms = SLOW_MS_POSTGRES if isinstance(app.db, PostgresDatabase) else SLOW_MS
    people = dict(people or {})  # non-staff members: the top earner, the 50th, one with 1 mark
    for who, where in (("heavy", "ORDER BY 2 DESC"), ("self", "ORDER BY 2 DESC LIMIT 1 OFFSET 49"),
                       ("light", "AND t.total = 10")):  # fmt: skip
        if who in people:
            continue
        row = await app.db.fetchone(
            "SELECT m.external_id, t.total, (SELECT COUNT(*) FROM reputation_ledger l WHERE"
            " l.community_id = ? AND l.member_id = t.member_id) FROM reputation_totals t JOIN"
            f" members m ON m.id = t.member_id WHERE t.community_id = ? AND m.is_staff = 0 {where}",
            (cid, cid),
        )
        people[who] = dict(zip(("member", "total", "ledger_rows"), row or (), strict=True))
    adapter.state.speakers.update(p["member"] for p in people.values())  # @name resolves
    lines = {f"/leaderboard {p}": f"alice /leaderboard {p}" for p in ("week", "month", "all")}
    lines["/rep (self)"] = f"{people['self']['member']} /rep"
    lines["/rep @heavy"] = f"alice /rep @{people['heavy']['member']}"
    lines["/rep @light"] = f"alice /rep @{people['light']['member']}"
    commands: dict[str, Any] = {}
    for label, line in lines.items():

        async def feed(line: str = line) -> None:
            if not await adapter.feed(line):
                raise RuntimeError(adapter.output.lines[-1])

        first = len(adapter.output.lines)
        statements = await reads(app, feed)
        reply = "\n".join(adapter.output.lines[first + 1 :])
        print(f"--- {line}\n{reply}")
        commands[label] = {**await timed(feed), "selects": len(statements), "slow": []}
        commands[label]["reply"] = reply
        total = 0.0
        for read in statements:
            alone = await timed(read.alone)
            total += alone["p50"]
            if alone["p50"] >= slow_ms or "ledger_helping" in read.sql:
                slow = {**alone, "sql": read.sql, "plan": await read.plan()}
                commands[label]["slow"].append(slow)
        commands[label]["selects_p50_sum"] = round(total, 2)
    boards, size, hide = {}, config.leaderboard_size, config.leaderboard_hide_staff
    for period in ("week", "month", "all"):
        window = _periods.on_demand(period, NOW, config.timezone)

        async def board(window: _periods.Window = window) -> object:
            async with app.db.read() as conn:
                return await helping.top_helpers(
                    conn, cid, start=window.start, end=window.end, limit=size, hide_staff=hide
                )

        boards[period] = await timed(board)
    return {"members_used": people, "commands_ms": commands, "standings_top_ms": boards}


async def measure_on(
    backend: str, settings_env: dict[str, str], db_path: Path, people: dict[str, Any] | None
) -> dict[str, Any]:
    """Start the App on a database (a SQLite file, or ENTRAIDE_DATABASE_URL) and measure."""
    env = {"ENTRAIDE_RETRIEVAL__DENSE": "false", **settings_env}  # /rep: BM25
    app = App(load_settings(environ=env), clock=Clock(NOW, frozen=True), db_path=db_path)
    adapter = ConsoleAdapter(app, ConsoleOutput())
    app.add_adapter(adapter)
    print(f"=== {NAMES[backend]}")
    await app.start()
    try:
        return await measure(app, adapter, people)
    finally:
        await app.stop()


def report_backend(name: str, measured: dict[str, Any]) -> None:
    """One backend's commands, their slow reads with plans, and the boards' reads."""
    print(f"{NAMES[name]}: target {TARGET_MS:.0f} ms (p95), end to end:")
    for label, f in measured["commands_ms"].items():
        mark = "✓" if f["p95"] <= TARGET_MS else "✗"
        print(
            f" {mark} {label:19} {ms(f)}  ({f['selects']} SELECTs alone: {f['selects_p50_sum']} ms)"
        )
        for slow in f["slow"]:
            print(f"{'':23}{ms(slow)}: {slow['sql']}")
            print("".join(f"{'':27}{step}\n" for step in slow["plan"]), end="")
    for period, f in measured["standings_top_ms"].items():
        print(f"   helping.top_helpers {period:5} {ms(f)}")


def side_by_side(results: dict[str, dict[str, Any]]) -> str:
    """The commands (then the boards' reads alone) with each backend's p50, p95 and max."""
    names = list(results)
    head = "| command |" + "".join(f" {NAMES[n]} p50 | p95 | max |" for n in names) + " target |"
    lines = [head, "|---|" + "---|---|---|" * len(names) + "---|"]
    first = results[names[0]]
    rows = [(label, "commands_ms", label) for label in first["commands_ms"]]
    rows += [(f"helping.top_helpers {p} (alone)", "standings_top_ms", p)
             for p in first["standings_top_ms"]]  # fmt: skip
    for label, part, key in rows:
        cells = "".join(
            f" {f['p50']:.1f} ms | {f['p95']:.1f} ms | {f['max']:.1f} ms |"
            for f in (results[n][part][key] for n in names)
        )
        target = f"< {TARGET_MS:.0f} ms" if part == "commands_ms" else "—"
        lines.append(f"| `{label}` |{cells} {target} |")
    return "\n".join(lines)


async def run(backends: list[str], analyze: bool) -> None:
    """Build (or reuse) the database, measure on a fresh copy of it on each backend, print the
    figures side by side."""
    keep = os.environ.get("BENCH_WORKDIR")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Keyed by the schema too: a changed migration (an index) means a rebuild.
        schema = hashlib.sha1("".join(m.sql for m in bundled_migrations()).encode()).hexdigest()
        cached = Path(keep or tmp) / f"reputation-{MEMBERS}m-{LEDGER_ROWS}r-{schema[:8]}.db"
        meta = cached.with_suffix(".json")
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            meta.write_text(json.dumps({"build_s": await build(cached)}))
        built = json.loads(meta.read_text()) if meta.exists() else {"build_s": None}
        size = round(cached.stat().st_size / 2**20, 1)
        people = None
        if "sqlite" in backends:
            db_path = Path(tmp) / "run.db"
            shutil.copyfile(cached, db_path)  # every run starts from the same file
            results["sqlite"] = await measure_on("sqlite", {}, db_path, None)
            people = results["sqlite"]["members_used"]
        if "postgresql" in backends:
            print("=== PostgreSQL: copying the file (bot.storage.move, as migrate-db) …")
            async with postgres_copy(cached, analyze=analyze) as copy:
                print(f"copied {copy.rows:,} rows in {copy.copy_s} s; VACUUM (ANALYZE) "
                      f"{copy.analyze_s} s; server {copy.server}")  # fmt: skip
                env = {"ENTRAIDE_DATABASE_URL": copy.url}
                pg_path = Path(tmp) / "pg" / "entraide.db"  # the data folder's anchor only
                results["postgresql"] = await measure_on("postgresql", env, pg_path, people)
                results["postgresql"]["copy"] = copy.report()
    report = {"members": MEMBERS, "ledger_rows": LEDGER_ROWS, **built, "db_mib": size, **results}
    print(
        f"reputation_bench: {MEMBERS:,} members, {LEDGER_ROWS:,} ledger rows, built in "
        f"{report['build_s']} s, {size} MiB (SQLite)"
    )
    for name, measured in results.items():
        report_backend(name, measured)
    if len(results) == 2:
        same = all(f["reply"] == results["postgresql"]["commands_ms"][label]["reply"]
                   for label, f in results["sqlite"]["commands_ms"].items())  # fmt: skip
        print(f"same replies on SQLite and PostgreSQL: {'yes' if same else 'NO (see --- lines)'}")
    if results:
        print(side_by_side(results))
    print(json.dumps(report, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    on_both_stores.main("python -m bench.reputation_bench", run, argv)


if __name__ == "__main__":
    main()
