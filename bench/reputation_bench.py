"""/leaderboard and /rep at 1,000,000 reputation ledger rows and 100,000 members.

The database (built once, cached under BENCH_WORKDIR) is a year of the console community:
skewed helpers (Zipf), helpful marks (4% taken back), accepts with the asker's bonus, a few
admin adjustments, and the questions, answers, standing marks and accepts behind them, since
/rep reads those tables too. Each command is played through the console adapter and timed
end to end; then every SELECT it ran (caught with a trace callback) is timed alone and its
query plan shown, and standings.top is timed for each period.
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
from bot.cogs.leaderboard import _periods
from bot.core.clock import Clock
from bot.settings import load_settings
from bot.storage import standings
from bot.storage.communities import ensure_community
from bot.storage.db import Database

MEMBERS, LEDGER_ROWS, QUESTIONS, ANSWERS = 100_000, 1_000_000, 300_000, 520_000
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday afternoon
YEAR = 365 * 86_400
RUNS, WARMUP, TARGET_MS, CHUNK, SLOW_MS = 30, 3, 50.0, 50_000, 1.0
TEXTS = (  # questions close to the starter knowledge base, so /rep finds topics
    "How do I mark an answer as helpful?",
    "How do I accept an answer to my question?",
    "How are ranks earned and what do they unlock?",
    "How do I set up the bot on Slack or Discord?",
    "How can I reopen a question that was marked solved?",
    "Why was my helpful mark refused?",
)
Rows = list[tuple[Any, ...]]


def iso(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as `datetime.isoformat()` writes UTC times."""
    return np.char.add(
        np.datetime_as_string(seconds.astype("int64").astype("datetime64[s]")), "+00:00"
    )


def table(size: int, *columns: Any) -> Rows:
    """Rows from columns: numpy arrays, or one value for every row."""
    lists = [c.tolist() if isinstance(c, np.ndarray) else [c] * size for c in columns]
    return list(zip(*lists, strict=True))


def generate(cid: int, rng: np.random.Generator) -> list[tuple[str, Rows]]:
    """Every row of the synthetic community, table by table in insert order."""
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
    # member, delta, kind, reason, event prefix, answer id, time, actor, event number
    blocks = [
        (author[m_ans[mk]], 10, 0, 0, 0, m_ans[mk] + 1, t_mark[mk], giver[mk], np.flatnonzero(mk)),
        (author[m_ans[un]], -10, 0, 1, 1, m_ans[un] + 1, t_un, giver[un], np.flatnonzero(un)),
        (author[acc], 15, 1, 2, 2, acc + 1, t_acc, asker[acc], acc),
        (asker[acc], 2, 2, 2, 2, acc + 1, t_acc, asker[acc], acc),
        (helpers(n_adj), rng.choice([-50, -20, -10, 10, 20, 50], n_adj), 3, 3, 3, 0)
        + (now - rng.uniform(0, YEAR, n_adj), rng.choice(np.flatnonzero(staff), n_adj))
        + (np.arange(n_adj),),
    ]
    cols = [np.concatenate([np.broadcast_to(b[i], len(b[0])) for b in blocks]) for i in range(9)]
    order = np.argsort(cols[6], kind="stable")  # ids follow time, as in an append-only log
    member, delta, kind, reason, prefix, answer, at, actor, number = (c[order] for c in cols)
    question_of = np.concatenate([[0], question[:kept]])
    ledger = table(
        LEDGER_ROWS,
        cid,
        member,
        delta,
        np.array(["helpful", "accepted", "accept_bonus", "adjust"])[kind],
        np.array(["mark", "unmark", "accept", "adjust"])[reason],
        np.where(kind == 3, "bench", ""),
        np.char.add(np.array(list("muax"))[prefix], number.astype(str)),
        np.where(answer > 0, question_of[answer], None),
        np.where(answer > 0, answer, None),
        actor,
        iso(at),
    )
    q_time = np.full(QUESTIONS + 1, now - 3600)
    np.minimum.at(q_time, question[:kept], t_ans[:kept])
    solved = np.zeros(QUESTIONS + 1, bool)
    solved[question[acc]] = True
    stand = np.flatnonzero(mk & ~undone)
    ids, qs, ans = np.arange(1, MEMBERS + 1), np.arange(1, QUESTIONS + 1), np.arange(1, kept + 1)
    first_seen = iso(now - YEAR - rng.uniform(0, YEAR, MEMBERS))
    optouts = np.unique([by_rank[0], by_rank[2], *rng.integers(1, MEMBERS + 1, 4)])
    names = np.char.zfill(ids.astype(str), 6)
    return [
        (
            "members (id, community_id, external_id, display_name, is_staff, first_seen)",
            table(
                MEMBERS,
                ids,
                cid,
                np.char.add("m", names),
                np.char.add("Member ", names),
                staff[1:].astype(int),
                first_seen,
            ),
        ),
        (
            "questions (id, community_id, number, origin_id, channel_id, asker_id, text, status,"
            " created_at)",
            table(
                QUESTIONS,
                qs,
                cid,
                qs,
                np.char.add("q", qs.astype(str)),
                "help",
                asker_of[1:],
                np.array(TEXTS)[qs % len(TEXTS)],
                np.where(solved[1:], "solved", "answered"),
                iso(q_time[1:] - 600),
            ),
        ),
        (
            "answers (id, community_id, question_id, message_id, author_id, by_staff, text,"
            " created_at)",
            table(
                kept,
                ans,
                cid,
                question[:kept],
                np.char.add("a", ans.astype(str)),
                author[:kept],
                staff[author[:kept]].astype(int),
                "Try this.",
                iso(t_ans[:kept]),
            ),
        ),
        (
            "reputation_ledger (community_id, member_id, delta, kind, reason, note,"
            " source_event_id, question_id, answer_id, actor_id, created_at)",
            ledger,
        ),
        (
            "helpful_marks (community_id, answer_id, giver_id, receiver_id, points, marked_at)",
            table(
                len(stand),
                cid,
                m_ans[stand] + 1,
                giver[stand],
                author[m_ans[stand]],
                10,
                iso(t_mark[stand]),
            ),
        ),
        (
            "accepted_answers (question_id, community_id, answer_id, accepter_id, author_points,"
            " asker_points, accepted_at)",
            table(len(acc), question[acc], cid, acc + 1, asker[acc], 15, 2, iso(t_acc)),
        ),
        (
            "leaderboard_optouts (community_id, member_id, since)",
            table(len(optouts), cid, optouts, NOW.isoformat()),
        ),
    ]


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
    print(f"reputation_bench: generated the rows in {time.perf_counter() - started:.1f} s")
    async with db.transaction() as tx:
        for target, rows in tables:
            sql = f"INSERT INTO {target} VALUES ({','.join('?' * len(rows[0]))})"
            name = target.split()[0]
            for at in tqdm(range(0, len(rows), CHUNK), desc=name, unit="chunk", leave=False):
                await tx.executemany(sql, rows[at : at + CHUNK])
    await db.close()
    part.rename(path)
    return round(time.perf_counter() - started, 1)


def figures(samples: list[float]) -> dict[str, float]:
    """p50 / p95 (nearest rank) / max, in ms."""
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


async def selects(app: App, call: Callable[[], Awaitable[object]]) -> list[str]:
    """The SELECTs a call runs, with their parameters inlined, in order, once each."""
    seen: list[str] = []
    await app.db.conn.set_trace_callback(seen.append)
    try:
        await call()
    finally:
        await app.db.conn.set_trace_callback(None)
    found = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    return list(dict.fromkeys(found))


async def query(app: App, sql: str) -> list[Any]:
    """One statement under the read lock, all rows fetched."""
    async with app.db.read() as conn:
        cur = await conn.execute(sql)
        return list(await cur.fetchall())


async def plan(app: App, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN as an indented tree."""
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _, detail in await query(app, "EXPLAIN QUERY PLAN " + sql):
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + detail)
    return out


async def measure(app: App, adapter: ConsoleAdapter) -> dict[str, Any]:
    """Each command end to end, then the SELECTs it ran alone, and standings.top per period."""
    cid = await app.community_id(COMMUNITY)
    config = await app.community_config(cid)
    people = {}
    for who, where in (
        ("heavy", "ORDER BY t.total DESC LIMIT 1"),
        ("self", "ORDER BY t.total DESC LIMIT 1 OFFSET 49"),
        ("light", "AND t.total = 10 LIMIT 1"),
    ):
        row = await app.db.fetchone(
            "SELECT m.external_id, t.total, (SELECT COUNT(*) FROM reputation_ledger l"
            " WHERE l.community_id = t.community_id AND l.member_id = t.member_id)"
            " FROM reputation_totals t JOIN members m ON m.id = t.member_id"
            f" WHERE t.community_id = ? AND m.is_staff = 0 {where}",
            (cid,),
        )
        assert row is not None
        people[who] = {"member": row[0], "total": row[1], "ledger_rows": row[2]}
    adapter.state.speakers.update(p["member"] for p in people.values())  # known to @mentions
    lines = {f"/leaderboard {p}": f"alice /leaderboard {p}" for p in ("week", "month", "all")}
    lines["/rep (self)"] = f"{people['self']['member']} /rep"
    lines["/rep @heavy"] = f"alice /rep @{people['heavy']['member']}"
    lines["/rep @light"] = f"alice /rep @{people['light']['member']}"
    commands, statements = {}, {}
    for label, line in lines.items():

        async def feed(line: str = line) -> None:
            if not await adapter.feed(line):
                raise RuntimeError(adapter.output.lines[-1])

        seen = len(adapter.output.lines)
        statements[label] = await selects(app, feed)
        reply = adapter.output.lines[seen + 1 :]
        print(
            f"--- {line}\n"
            + "\n".join(
                reply[: next((i for i, r in enumerate(reply) if r.startswith("·")), len(reply))]
            )
        )
        commands[label] = await timed(feed)
    sql: dict[str, dict[str, Any]] = {}
    for period in ("week", "month", "all"):
        window = _periods.on_demand(period, NOW, config.timezone)

        async def board(window: _periods.Window = window) -> object:
            async with app.db.read() as conn:
                return await standings.top(
                    conn,
                    cid,
                    start=window.start,
                    end=window.end,
                    limit=config.leaderboard_size,
                    hide_staff=config.leaderboard_hide_staff,
                )

        sql[f"standings.top {period}"] = await timed(board)
    for label, found in statements.items():
        for n, statement in enumerate(found, start=1):
            figures_ = await timed(lambda s=statement: query(app, s))
            sql[f"{label} #{n}"] = {**figures_, "sql": statement}
            if figures_["p50"] >= SLOW_MS or "ledger_period" in statement:
                sql[f"{label} #{n}"]["plan"] = await plan(app, statement)
    return {"members_used": people, "commands_ms": commands, "sql_ms": sql}


async def run() -> None:
    """Build (or reuse) the database, measure on a fresh copy of it, print the figures."""
    keep = os.environ.get("BENCH_WORKDIR")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(keep) if keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        cached = workdir / f"reputation-{MEMBERS}m-{LEDGER_ROWS}r-v2.db"
        meta = cached.with_suffix(".json")
        if not cached.exists():
            meta.write_text(json.dumps({"build_s": await build(cached)}))
        db_path = Path(tmp) / "run.db"
        shutil.copyfile(cached, db_path)  # every run starts from the same file
        app = App(
            load_settings(environ={"ENTRAIDE_RETRIEVAL__DENSE": "false"}),  # /rep uses BM25 only
            clock=Clock(NOW, frozen=True),
            db_path=db_path,
        )
        adapter = ConsoleAdapter(app, ConsoleOutput())
        app.add_adapter(adapter)
        await app.start()
        try:
            measured = await measure(app, adapter)
        finally:
            await app.stop()
        size = round(cached.stat().st_size / 2**20, 1)
    report = {"members": MEMBERS, "ledger_rows": LEDGER_ROWS, **json.loads(meta.read_text())}
    report |= {"db_mib": size, **measured}
    print(
        f"reputation_bench: {MEMBERS:,} members, {LEDGER_ROWS:,} ledger rows, "
        f"built in {report['build_s']} s, {size} MiB; target {TARGET_MS:.0f} ms"
    )
    for label, f in report["commands_ms"].items():
        mark = "✓" if f["p95"] <= TARGET_MS else "✗"
        print(
            f" {mark} {label:20} p50 {f['p50']:7.2f}  p95 {f['p95']:7.2f}  max {f['max']:7.2f} ms"
        )
    print("queries alone (p50 / p95 / max ms):")
    for label, f in report["sql_ms"].items():
        print(
            f"   {label:22} {f['p50']:7.2f} {f['p95']:7.2f} {f['max']:7.2f}  {f.get('sql', '')[:70]}"
        )
        for step in f.get("plan", []):
            print(f"{'':36}{step}")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(run())
