"""/leaderboard and /rep at 1,000,000 reputation ledger rows and 100,000 members.

The database (built once, cached under BENCH_WORKDIR) is a year of a console community:
skewed helpers (Zipf), helpful marks (some taken back), accepts with the asker's bonus and
a few admin adjustments, written with the questions, answers, standing marks and accepts
behind them, since /rep reads those tables too. Each command is then played through the
console adapter and timed end to end, and the storage queries are timed alone.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bot.adapters.console.adapter import COMMUNITY, ConsoleAdapter, ConsoleOutput
from bot.app import App
from bot.core.clock import Clock
from bot.core.periods import month_start, week_start
from bot.settings import load_settings
from bot.storage import reputation as rep
from bot.storage import standings
from bot.storage.communities import ensure_community
from bot.storage.db import Database

MEMBERS, LEDGER_ROWS, QUESTIONS = 100_000, 1_000_000, 300_000
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday afternoon
YEAR = 365 * 86_400
RUNS, WARMUP, TARGET_MS, CHUNK = 30, 3, 50.0, 50_000
KINDS = ("helpful", "accepted", "accept_bonus", "adjust")
REASONS = ("mark", "unmark", "accept", "adjust")
TEXTS = (
    "How do I mark an answer as helpful?",
    "How do I accept an answer to my question?",
    "How are ranks earned and what do they unlock?",
    "How do I set up the bot on Slack?",
    "How do I set up the bot on Discord?",
    "How can I reopen a question that was marked solved?",
    "How do I check my reputation points?",
    "Why was my helpful mark refused?",
    "How do I search the knowledge base?",
    "How do I stop the nudges on my questions?",
)
Tables = list[tuple[str, list[tuple[Any, ...]]]]


def iso(seconds: np.ndarray) -> list[str]:
    """Epoch seconds as `datetime.isoformat()` writes UTC times."""
    text = np.datetime_as_string(seconds.astype("int64").astype("datetime64[s]"))
    return [f"{t}+00:00" for t in text.tolist()]


def generate(cid: int, rng: np.random.Generator) -> Tables:
    """Every row of the synthetic community, table by table in insert order."""
    now = NOW.timestamp()
    staff = rng.random(MEMBERS + 1) < 0.01
    by_rank = rng.permutation(MEMBERS) + 1  # member id of each helper rank (Zipf, s = 1)
    weights = 1.0 / np.arange(1, MEMBERS + 1)

    def helpers(n: int) -> np.ndarray:
        return by_rank[rng.choice(MEMBERS, size=n, p=weights / weights.sum())]

    # Answers: 1-3 helpful marks each (4% taken back later), 30% accepted (one per question).
    n = 520_000
    author, question = helpers(n), rng.integers(1, QUESTIONS + 1, n)
    asker_of = rng.integers(1, MEMBERS + 1, QUESTIONS + 1)
    asker = asker_of[question]
    t_ans = now - rng.uniform(0, YEAR, n)
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
    n_adjust = LEDGER_ROWS - int(per_answer[:kept].sum())
    accepted[kept:] = False
    mk = m_ans < kept
    un = mk & undone
    acc = np.flatnonzero(accepted)
    t_acc = np.minimum(t_ans[acc] + rng.exponential(86_400, len(acc)), now - 1)
    t_un = np.minimum(t_mark[un] + rng.exponential(86_400, int(un.sum())), now - 1)
    # Columns: member, delta, kind, reason, event prefix, answer id, time, actor, event number.
    blocks = [
        (author[m_ans[mk]], 10, 0, 0, 0, m_ans[mk] + 1, t_mark[mk], giver[mk], np.flatnonzero(mk)),
        (author[m_ans[un]], -10, 0, 1, 1, m_ans[un] + 1, t_un, giver[un], np.flatnonzero(un)),
        (author[acc], 15, 1, 2, 2, acc + 1, t_acc, asker[acc], acc),
        (asker[acc], 2, 2, 2, 2, acc + 1, t_acc, asker[acc], acc),
        (
            helpers(n_adjust),
            rng.choice([-50, -20, -10, 10, 20, 50], n_adjust),
            3,
            3,
            3,
            0,
            now - rng.uniform(0, YEAR, n_adjust),
            rng.choice(np.flatnonzero(staff), n_adjust),
            np.arange(n_adjust),
        ),
    ]
    columns = [
        np.concatenate([np.broadcast_to(block[i], len(block[0])) for block in blocks])
        for i in range(9)
    ]
    order = np.argsort(columns[6], kind="stable")  # ids follow time, as in an append-only log
    member, delta, kind, reason, prefix, answer, at, actor, number = (c[order] for c in columns)
    question_of = [0, *question[:kept].tolist()]
    ledger = [
        (cid, m, d, KINDS[k], REASONS[r], "bench" if k == 3 else "", f"{'muax'[e]}{x}")
        + ((question_of[a], a) if a else (None, None))
        + (c, t)
        for m, d, k, r, e, a, c, x, t in zip(
            *(v.tolist() for v in (member, delta, kind, reason, prefix, answer, actor, number)),
            iso(at),
            strict=True,
        )
    ]
    q_time = np.full(QUESTIONS + 1, now - 3600)
    np.minimum.at(q_time, question[:kept], t_ans[:kept])
    solved = np.zeros(QUESTIONS + 1, bool)
    solved[question[acc]] = True
    stand = np.flatnonzero(mk & ~undone)
    first_seen = iso(now - YEAR - rng.uniform(0, YEAR, MEMBERS + 1))
    optouts = [int(by_rank[0]), int(by_rank[2]), *rng.integers(1, MEMBERS + 1, 4).tolist()]
    member_rows = [
        (i, cid, f"m{i:06d}", f"Member {i}", int(staff[i]), first_seen[i])
        for i in range(1, MEMBERS + 1)
    ]
    question_rows = [
        (q, cid, q, f"q{q}", "help", a, TEXTS[q % len(TEXTS)], "solved" if s else "answered", t)
        for q, a, s, t in zip(
            range(QUESTIONS + 1), asker_of.tolist(), solved.tolist(), iso(q_time - 600), strict=True
        )
    ][1:]
    answer_rows = [
        (a, cid, q, f"a{a}", w, int(staff[w]), "Try this.", t)
        for a, q, w, t in zip(
            range(1, kept + 1),
            question[:kept].tolist(),
            author[:kept].tolist(),
            iso(t_ans[:kept]),
            strict=True,
        )
    ]
    mark_rows = [
        (cid, a + 1, g, w, 10, t)
        for a, g, w, t in zip(
            m_ans[stand].tolist(),
            giver[stand].tolist(),
            author[m_ans[stand]].tolist(),
            iso(t_mark[stand]),
            strict=True,
        )
    ]
    accept_rows = [
        (q, cid, a + 1, s, 15, 2, t)
        for q, a, s, t in zip(
            question[acc].tolist(), acc.tolist(), asker[acc].tolist(), iso(t_acc), strict=True
        )
    ]
    return [
        (
            "members (id, community_id, external_id, display_name, is_staff, first_seen)",
            member_rows,
        ),
        (
            "questions (id, community_id, number, origin_id, channel_id, asker_id, text, status,"
            " created_at)",
            question_rows,
        ),
        (
            "answers (id, community_id, question_id, message_id, author_id, by_staff, text,"
            " created_at)",
            answer_rows,
        ),
        (
            "reputation_ledger (community_id, member_id, delta, kind, reason, note,"
            " source_event_id, question_id, answer_id, actor_id, created_at)",
            ledger,
        ),
        (
            "helpful_marks (community_id, answer_id, giver_id, receiver_id, points, marked_at)",
            mark_rows,
        ),
        (
            "accepted_answers (question_id, community_id, answer_id, accepter_id, author_points,"
            " asker_points, accepted_at)",
            accept_rows,
        ),
        (
            "leaderboard_optouts (community_id, member_id, since)",
            [(cid, m, NOW.isoformat()) for m in dict.fromkeys(optouts)],
        ),
    ]


async def build(path: Path) -> dict[str, float]:
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
    print(f"reputation_bench: generated rows in {time.perf_counter() - started:.1f}s")
    async with db.transaction() as tx:
        for target, rows in tables:
            sql = f"INSERT INTO {target} VALUES ({','.join('?' * len(rows[0]))})"
            name = target.split()[0]
            for at in tqdm(range(0, len(rows), CHUNK), desc=name, unit="chunk", leave=False):
                await tx.executemany(sql, rows[at : at + CHUNK])
    await db.close()
    part.rename(path)
    return {"build_s": round(time.perf_counter() - started, 1)}


def figures(samples: list[float]) -> dict[str, float]:
    """p50 / p95 (nearest rank) / max in ms."""
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[math.ceil(0.95 * len(ms)) - 1]
    return {"p50": round(statistics.median(ms), 2), "p95": round(p95, 2), "max": round(ms[-1], 2)}


async def timed(call: Callable[[], Awaitable[object]]) -> dict[str, float]:
    """Warm up, then time RUNS calls."""
    samples = []
    for i in range(WARMUP + RUNS):
        t0 = time.perf_counter()
        await call()
        if i >= WARMUP:
            samples.append(time.perf_counter() - t0)
    return figures(samples)


async def measure(app: App, adapter: ConsoleAdapter) -> dict[str, Any]:
    """Commands end to end, then their queries alone, then the query plans."""
    cid = await app.community_id(COMMUNITY)
    config = await app.community_config(cid)

    async def pick(where: str) -> tuple[int, str, int]:
        row = await app.db.fetchone(
            "SELECT t.member_id, m.external_id, (SELECT COUNT(*) FROM reputation_ledger l"
            " WHERE l.community_id = t.community_id AND l.member_id = t.member_id)"
            " FROM reputation_totals t JOIN members m ON m.id = t.member_id"
            f" WHERE t.community_id = ? AND m.is_staff = 0 {where}",
            (cid,),
        )
        assert row is not None
        return int(row[0]), str(row[1]), int(row[2])

    heavy = await pick("ORDER BY t.total DESC LIMIT 1")
    middle = await pick("ORDER BY t.total DESC LIMIT 1 OFFSET 49")
    light = await pick("AND t.total = 10 LIMIT 1")
    adapter.state.speakers.update({heavy[1], light[1]})
    lines = {
        "/leaderboard week": "alice /leaderboard week",
        "/leaderboard month": "alice /leaderboard month",
        "/leaderboard all": "alice /leaderboard all",
        "/rep (self)": f"{middle[1]} /rep",
        "/rep @heavy": f"alice /rep @{heavy[1]}",
        "/rep @light": f"alice /rep @{light[1]}",
    }
    commands = {}
    for label, line in lines.items():
        seen = len(adapter.output.lines)

        async def feed(line: str = line) -> None:
            if not await adapter.feed(line):
                raise RuntimeError(adapter.output.lines[-1])

        commands[label] = await timed(feed)
        print(f"--- {line}\n" + "\n".join(adapter.output.lines[seen : seen + 14]))

    week = week_start(NOW, config.timezone)
    month = month_start(NOW, config.timezone)
    size, hide = config.leaderboard_size, config.leaderboard_hide_staff
    board_ids = [s.member_id for s in await read(app, lambda c: top(c, cid, week, size, hide))]
    hid = heavy[0]
    queries: dict[str, Callable[[Any], Awaitable[object]]] = {
        "top week": lambda c: top(c, cid, week, size, hide),
        "top month": lambda c: top(c, cid, month, size, hide),
        "top all": lambda c: top(c, cid, None, size, hide),
        "first_points_at (week board)": lambda c: rep.first_points_at(c, cid, board_ids),
        "rep.total (heavy)": lambda c: rep.total(c, cid, hid),
        "rep.distinct_givers (heavy)": lambda c: rep.distinct_givers(c, cid, hid),
        "rep.points_between (heavy, week)": lambda c: rep.points_between(c, cid, hid, week, NOW),
        "rep.helped_questions (heavy)": lambda c: rep.helped_questions(c, cid, hid, 20),
    }
    sql = {}
    for label, query in queries.items():
        sql[label] = await timed(lambda q=query: read(app, q))
    plans: dict[str, list[str]] = {}
    for label, query in queries.items():
        statements: list[str] = []
        await app.db.conn.set_trace_callback(statements.append)
        await read(app, query)
        await app.db.conn.set_trace_callback(None)
        for statement in statements:
            plans[label] = await plan(app, statement)
    people = {"heavy": heavy, "self": middle, "light": light}
    return {
        "members_used": {k: {"id": v[1], "ledger_rows": v[2]} for k, v in people.items()},
        "commands_ms": commands,
        "sql_ms": sql,
        "plans": plans,
    }


async def top(conn: Any, cid: int, start: datetime | None, size: int, hide: bool) -> Any:
    """standings.top as /leaderboard calls it."""
    return await standings.top(conn, cid, start=start, end=NOW, limit=size, hide_staff=hide)


async def read(app: App, query: Callable[[Any], Awaitable[Any]]) -> Any:
    """One query under the database's read lock, as the cogs run them."""
    async with app.db.read() as conn:
        return await query(conn)


async def plan(app: App, statement: str) -> list[str]:
    """EXPLAIN QUERY PLAN as an indented tree."""
    rows = await app.db.fetchall("EXPLAIN QUERY PLAN " + statement)
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + detail)
    return out


async def run() -> None:
    """Build (or reuse) the database, measure on a fresh copy and print the figures."""
    keep = os.environ.get("BENCH_WORKDIR")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(keep) if keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        cached = workdir / f"reputation-{MEMBERS}m-{LEDGER_ROWS}r-v1.db"
        meta = cached.with_suffix(".json")
        if not cached.exists():
            meta.write_text(json.dumps(await build(cached)))
        built = json.loads(meta.read_text()) if meta.exists() else {}
        db_path = Path(tmp) / "run.db"
        shutil.copyfile(cached, db_path)  # each run starts from the same file
        settings = load_settings(environ={"ENTRAIDE_RETRIEVAL__DENSE": "false"})
        app = App(settings, clock=Clock(NOW, frozen=True), db_path=db_path)
        adapter = ConsoleAdapter(app, ConsoleOutput())
        app.add_adapter(adapter)
        await app.start()
        try:
            measured = await measure(app, adapter)
        finally:
            await app.stop()
        report = {
            "bench": "reputation",
            "members": MEMBERS,
            "ledger_rows": LEDGER_ROWS,
            "build_s": built.get("build_s"),
            "db_mib": round(cached.stat().st_size / 2**20, 1),
            **measured,
        }
    for label, lines in report["plans"].items():
        print(f"query plan, {label}:\n  " + "\n  ".join(lines))
    print(
        f"reputation_bench: {MEMBERS:,} members, {LEDGER_ROWS:,} ledger rows, "
        f"build {report['build_s']} s, database {report['db_mib']} MiB; target {TARGET_MS:.0f} ms"
    )
    for group in ("commands_ms", "sql_ms"):
        print("end to end (console feed):" if group == "commands_ms" else "queries alone:")
        for label, f in report[group].items():
            mark = ("✓" if f["p95"] <= TARGET_MS else "✗") if group == "commands_ms" else " "
            print(
                f" {mark} {label:34} p50 {f['p50']:7.2f}  p95 {f['p95']:7.2f}  "
                f"max {f['max']:7.2f} ms"
            )
    print(json.dumps({k: v for k, v in report.items() if k != "plans"}))


if __name__ == "__main__":
    asyncio.run(run())
