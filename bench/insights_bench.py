"""Community health figures (bot.insights.figures.compute) at 100,000 questions and 1,000,000
ledger rows.

A year of one community (cached under BENCH_WORKDIR, keyed by the schema): 20,000 members (1%
staff, a few bots), Zipf-skewed helpers, ~2.5 answers a question, helpful marks (some refused,
4% taken back), accepts, escalations with claims, nudges. `compute` is timed for the last 30 and
7 days, then each SELECT it runs alone, with its plan.

On SQLite (the cached file) and on PostgreSQL, side by side: the file copied into a fresh
schema of the test PostgreSQL (TEST_POSTGRES_DSN) by migrate-db's code (bot.storage.move),
then VACUUM (ANALYZE) as autovacuum would do soon after (--no-pg-analyze: measured right
after the copy); the schema is dropped after. PostgreSQL's plans are its EXPLAIN (ANALYZE,
BUFFERS), shown for the reads slower than SLOW_MS_POSTGRES. Both must give the same figures.

    python -m bench.insights_bench [--backends sqlite,postgresql] [--no-pg-analyze]
"""

from __future__ import annotations

import hashlib
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

from bench import on_both_stores
from bot.insights.figures import compute
from bot.insights.model import Insights, Period
from bot.storage.db import Database, bundled_migrations
from bot.storage.postgres import PostgresDatabase
from bot.storage.store import Store
from tests.queries.timing import (
    postgres_copy,
    postgres_plan,
    postgres_reads,
)

MEMBERS, QUESTIONS, LEDGER_ROWS = 20_000, 100_000, 1_000_000
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
YEAR, CID, RUNS, WARMUP, TARGET_S, CHUNK = 365 * 86_400, 1, 10, 1, 1.0, 50_000
VERSION = 3  # bump when the generator changes: a new cache file
SLOW_MS_POSTGRES = 10.0  # PostgreSQL reads from this p50 on have their plan shown
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
COLUMNS = {
    "members": "id, community_id, external_id, display_name, is_bot, is_staff, first_seen",
    "questions": "id, community_id, number, origin_id, channel_id, asker_id, text, status,"
    " resolution, created_at, first_answer_at, solved_at, closed_at, deleted_at",
    "answers": "id, community_id, question_id, message_id, author_id, by_staff, text,"
    " created_at, deleted_at",
    "accepted_answers": "question_id, community_id, answer_id, accepter_id, author_points,"
    " asker_points, accepted_at",
    "helpful_marks": "community_id, answer_id, giver_id, receiver_id, points, refusal, marked_at",
    "escalations": "question_id, community_id, reason, status, created_at, claimed_at, closed_at",
    "nudges": "community_id, question_id, member_id, via, sent_at",
    "reputation_ledger": "community_id, member_id, delta, kind, reason, question_id, answer_id,"
    " actor_id, created_at",
}
Rows = list[tuple[Any, ...]]
NULL = np.array(None, dtype=object)


def iso(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as `datetime.isoformat()` writes UTC times (whole seconds)."""
    text = np.datetime_as_string(seconds.astype("int64").astype("datetime64[s]"))
    return np.char.add(text, "+00:00")


def maybe(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values where mask, else NULL."""
    return np.where(mask, values.astype(object), NULL)


def table(*columns: Any) -> Rows:
    """Rows from columns: numpy arrays, or one value for every row."""
    size = max(len(c) for c in columns if isinstance(c, np.ndarray))
    lists = [c.tolist() if isinstance(c, np.ndarray) else [c] * size for c in columns]
    return list(zip(*lists, strict=True))


def generate(rng: np.random.Generator) -> dict[str, Rows]:
    """Every row of the synthetic community, by table, in insert order (ids are 1-based)."""
    now, n = NOW.timestamp(), QUESTIONS
    staff = rng.random(MEMBERS) < 0.01
    bot = ~staff & (rng.random(MEMBERS) < 0.0025)
    humans = np.flatnonzero(~bot) + 1
    by_rank = rng.permutation(humans)  # helper ranks, Zipf (s = 1)
    weights = 1.0 / np.arange(1, len(humans) + 1)
    pick = rng.choice(len(humans), size=4 * n, p=weights / weights.sum())
    q_at = np.sort(now - rng.uniform(0, YEAR, n))  # ids follow time
    asker = np.where(rng.random(n) < 0.005, rng.choice(np.flatnonzero(bot) + 1, n),
                     rng.choice(humans, n))  # fmt: skip
    # Answers: 12% of questions none, else 1 + Poisson(1.8); times follow the question.
    count = np.where(rng.random(n) < 0.12, 0, 1 + rng.poisson(1.8, n))
    a_q = np.repeat(np.arange(n), count)
    na, starts = len(a_q), np.cumsum(count) - count
    rank = pick[:na]
    author = by_rank[rank]
    author = np.where(author == asker[a_q], by_rank[(rank + 1) % len(humans)], author)
    answered = count > 0
    gap = rng.exponential(1800, na)  # each answer Exp(30 min) after the previous one
    total = np.cumsum(gap)
    before = np.repeat(total[starts[answered]] - gap[starts[answered]], count[answered])
    a_at = np.minimum(q_at[a_q] + total - before, now - 1)
    first = np.where(answered, starts, 0)
    a_deleted = rng.random(na) < 0.01
    # Accepts: 55% of answered questions, the first answer 60% of the time.
    acc_q = np.flatnonzero(answered & (rng.random(n) < 0.55))
    offset = np.where(rng.random(len(acc_q)) < 0.6, 0,
                      (rng.random(len(acc_q)) * count[acc_q]).astype(int))  # fmt: skip
    acc_a = starts[acc_q] + offset
    acc_at = np.minimum(a_at[acc_a] + rng.exponential(3600, len(acc_q)), now - 1)
    # Status and resolution, as they stand now.
    roll = rng.random(n)
    resolution = np.full(n, None, dtype=object)
    resolution[answered & (roll < 0.10)] = "community"
    resolution[answered & (roll >= 0.10) & (roll < 0.15)] = "staff"
    resolution[~answered & (roll < 0.40)] = "kb"
    resolution[~answered & (roll >= 0.40) & (roll < 0.60)] = "asker"
    resolution[acc_q] = np.where(staff[author[acc_a] - 1], "staff", "community")
    solved_at = q_at + rng.exponential(7200, n)
    solved_at[acc_q] = acc_at
    status = np.where(resolution != None, "solved", np.where(answered, "answered", "open"))  # noqa: E711
    status = status.astype(object)  # "escalated" is longer than the array's strings
    # Escalations: 10% of questions; 85% claimed after Exp(35 min), some resolved unclaimed.
    esc_q = np.flatnonzero(rng.random(n) < 0.10)
    sensitive = rng.random(len(esc_q)) < 0.3  # at once; the others after the 30-minute SLA
    esc_at = q_at[esc_q] + np.where(sensitive, 0, 1800)
    claimed = rng.random(len(esc_q)) < 0.85
    claim_at = np.minimum(esc_at + rng.exponential(2100, len(esc_q)), now - 1)
    closed = ~claimed & (rng.random(len(esc_q)) < 0.3)
    e_status = np.where(claimed, "claimed", np.where(closed, "resolved", "open"))
    status[esc_q] = np.where((status[esc_q] == "open") & ~closed, "escalated", status[esc_q])
    # Nudges: 25% of questions, three experts each; on 40% of answered ones an answerer.
    nud_q = np.repeat(np.flatnonzero(rng.random(n) < 0.25), 3)
    nud_m = by_rank[(rng.integers(0, 2000, len(nud_q)) + np.tile([0, 1, 2], len(nud_q) // 3))]
    hit = (np.arange(len(nud_q)) % 3 == 0) & answered[nud_q] & (rng.random(len(nud_q)) < 0.4)
    nud_m[hit] = author[starts[nud_q[hit]]]
    _, keep = np.unique(nud_q * (MEMBERS + 1) + nud_m, return_index=True)
    nud_q, nud_m = nud_q[keep], nud_m[keep]
    # Marks: 1 + Poisson(2.5) an answer; the asker gives the first, 5,000 regulars the rest
    # (distinct per answer); 6% refused, and a regular marking their own answer earns nothing.
    marks = 1 + rng.poisson(2.5, na)
    m_a = np.repeat(np.arange(na), marks)
    m_k = np.arange(len(m_a)) - np.repeat(np.cumsum(marks) - marks, marks)
    regulars = rng.choice(humans, 5000, replace=False)
    giver = regulars[(rng.integers(0, 5000, na)[m_a] + m_k) % 5000]
    giver = np.where(m_k == 0, asker[a_q[m_a]], giver)
    _, keep = np.unique(m_a * (MEMBERS + 1) + giver, return_index=True)
    m_a, giver = m_a[keep], giver[keep]
    m_at = np.minimum(a_at[m_a] + rng.exponential(3 * 3600, len(m_a)), now - 1)
    refusal = rng.choice(np.array(["daily_cap", "pair_limit", "too_new", None], dtype=object),
                         len(m_a), p=[0.03, 0.02, 0.01, 0.94])  # fmt: skip
    refusal[giver == author[m_a]] = "self"
    points = np.where(refusal == None, 10, 0)  # noqa: E711
    undone = rng.random(len(m_a)) < 0.04
    stand, paid = ~undone, points > 0
    # Ledger: paid marks (+ the reversal of the undone ones), accepts and bonuses, then
    # admin adjustments up to LEDGER_ROWS; ordered by time as an append-only log is.
    blocks = [
        (author[m_a][paid], 10, "helpful", "mark", a_q[m_a][paid], m_a[paid], giver[paid],
         m_at[paid]),
        (author[m_a][paid & undone], -10, "helpful", "unmark", a_q[m_a][paid & undone],
         m_a[paid & undone], giver[paid & undone], np.minimum(m_at[paid & undone] + 600, now - 1)),
        (author[acc_a], 15, "accepted", "accept", acc_q, acc_a, asker[acc_q], acc_at),
        (asker[acc_q], 2, "accept_bonus", "accept", acc_q, acc_a, asker[acc_q], acc_at),
    ]  # fmt: skip
    used = sum(len(b[0]) for b in blocks)
    n_adj = LEDGER_ROWS - used
    if n_adj < 0:
        raise RuntimeError(f"{used:,} ledger rows before adjustments: lower the mark rate")
    adj_by = rng.choice(np.flatnonzero(staff) + 1, n_adj)
    blocks.append((by_rank[pick[-n_adj:]], rng.choice([-20, -10, 10, 20, 50], n_adj), "adjust",
                   "adjust", -1, -1, adj_by, now - rng.uniform(0, YEAR, n_adj)))  # fmt: skip
    cols = [np.concatenate([np.broadcast_to(b[i], len(b[0])) for b in blocks]) for i in range(8)]
    order = np.argsort(cols[7], kind="stable")
    l_m, l_d, l_kind, l_why, l_q, l_a, l_actor, l_at = (c[order] for c in cols)
    ids, qids, aids = np.arange(1, MEMBERS + 1), np.arange(1, n + 1), np.arange(1, na + 1)
    q_deleted = rng.random(n) < 0.01
    # Three help channels; a third of the answered, unsolved questions closed after 2 days.
    channel = rng.choice(np.array(["help", "billing", "api"]), n, p=[0.6, 0.25, 0.15])
    q_closed = (status == "answered") & (rng.random(n) < 0.3)
    return {
        "members": table(ids, CID, np.char.add("m", ids.astype(str)),
                         np.char.add("Member ", ids.astype(str)), bot * 1, staff * 1,
                         iso(now - YEAR - rng.uniform(0, YEAR, MEMBERS))),
        "questions": table(qids, CID, qids, np.char.add("q", qids.astype(str)), channel, asker,
                           "How do I …?", status, resolution, iso(q_at),
                           maybe(answered, iso(a_at[first])), maybe(status == "solved",
                           iso(np.minimum(solved_at, now - 1))),
                           maybe(q_closed, iso(np.minimum(q_at + 2 * 86_400, now - 1))),
                           maybe(q_deleted, iso(q_at + 60))),
        "answers": table(aids, CID, a_q + 1, np.char.add("a", aids.astype(str)), author,
                         staff[author - 1] * 1, "Try this.", iso(a_at),
                         maybe(a_deleted, iso(a_at + 60))),
        "accepted_answers": table(acc_q + 1, CID, acc_a + 1, asker[acc_q], 15, 2, iso(acc_at)),
        "helpful_marks": table(CID, m_a[stand] + 1, giver[stand], author[m_a][stand],
                               points[stand], refusal[stand], iso(m_at[stand])),
        "escalations": table(esc_q + 1, CID, np.where(sensitive, "sensitive", "sla"),
                             e_status, iso(esc_at), maybe(claimed, iso(claim_at)),
                             maybe(closed, iso(claim_at))),
        "nudges": table(CID, nud_q + 1, nud_m, "thread", iso(q_at[nud_q] + 900)),
        "reputation_ledger": table(CID, l_m, l_d, l_kind, l_why, maybe(l_q >= 0, l_q + 1),
                                   maybe(l_a >= 0, l_a + 1), l_actor, iso(l_at)),
    }  # fmt: skip


async def build(path: Path) -> float:
    """Write the database file (to a side name first, so a broken build is never reused)."""
    started = time.perf_counter()
    part = path.with_name(path.name + ".part")
    for stale in path.parent.glob(part.name + "*"):
        stale.unlink()
    tables = generate(np.random.default_rng(818))
    print(f"insights_bench: rows generated in {time.perf_counter() - started:.1f} s")
    db = Database(part)
    await db.open()  # the bot's pragmas and migrations; only the page cache is larger here
    try:
        await db.conn.execute("PRAGMA cache_size = -524288")
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (id, platform, external_id, name, created_at)"
                " VALUES (?, 'console', 'local', 'Bench', ?)",
                (CID, (NOW - timedelta(days=800)).isoformat()),
            )
            for name, rows in tables.items():
                marks = ", ".join("?" * len(rows[0]))
                sql = f"INSERT INTO {name} ({COLUMNS[name]}) VALUES ({marks})"
                for at in range(0, len(rows), CHUNK):
                    await tx.executemany(sql, rows[at : at + CHUNK])
                print(f"  {name}: {len(rows):,} rows")
    finally:
        await db.close()  # also on a failure: an open connection's thread keeps Python alive
    part.rename(path)
    return round(time.perf_counter() - started, 1)


async def timed(call: Callable[[], Awaitable[object]]) -> dict[str, float]:
    """WARMUP calls, then RUNS timed ones: first, p50, p95 (nearest rank) and max in ms."""
    samples = []
    for _ in range(WARMUP + RUNS):
        t0 = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - t0) * 1000)
    ms = sorted(samples[WARMUP:])
    p95 = ms[math.ceil(0.95 * len(ms)) - 1]
    return {"first": round(samples[0], 1), "p50": round(statistics.median(ms), 1),
            "p95": round(p95, 1), "max": round(ms[-1], 1)}  # fmt: skip


async def selects(db: Database, call: Callable[[], Awaitable[object]]) -> list[str]:
    """The SELECTs a call runs, parameters inlined, once each, in order."""
    seen: list[str] = []
    await db.conn.set_trace_callback(seen.append)
    try:
        await call()
    finally:
        await db.conn.set_trace_callback(None)  # type: ignore[arg-type]
    return list(dict.fromkeys(s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))))


async def plan(db: Database, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN as an indented tree."""
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _, detail in await db.fetchall("EXPLAIN QUERY PLAN " + sql):
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + detail)
    return out


def summary(got: Insights) -> str:
    """The headline figures, one line."""
    share = f"{got.superfan_share:.2f}" if got.superfan_share is not None else "-"
    return (
        f"asked {got.asked:,}, answered {got.answered:,} ({got.response_rate or 0:.2f}), "
        f"median first response {(got.first_response.median or 0) / 60:.0f} min, first helpful "
        f"{(got.first_helpful.median or 0) / 60:.0f} min, solution "
        f"{(got.solution.median or 0) / 60:.0f} min, "
        f"outcomes {got.outcomes}, escalated {got.escalated}, SLA {got.sla_met}/{got.sla_total}, "
        f"nudged {got.nudged} ({got.nudge_answered} by a nudged member), active "
        f"{got.active_members:,}, new helpers {got.new_helpers}, superfans "
        f"{len(got.superfans)} (share {share}), influencers {len(got.influencers)}, "
        f"helpers {len(got.helpers)}, channels {len(got.channels)}, waiting {len(got.waiting)}, "
        f"days {len(got.days)}, previous asked {got.previous.asked if got.previous else '-'}"
    )


async def each_select(db: Store, call: Callable[[], Awaitable[object]]) -> list[dict[str, Any]]:
    """Each SELECT a call runs, timed alone, with its plan: on SQLite traced with parameters
    inlined (EXPLAIN QUERY PLAN), on PostgreSQL as sent, with its parameters (EXPLAIN
    ANALYZE, only for the slow ones)."""
    found = []
    if isinstance(db, PostgresDatabase):
        async with postgres_reads() as statements:
            await call()
        for statement in statements:
            alone = await timed(statement.alone(db))
            slow = alone["p50"] >= SLOW_MS_POSTGRES
            found.append({**alone, "sql": f"{' '.join(statement.sql.split())} -- "
                          f"{statement.params!r}",
                          "plan": await postgres_plan(db, statement) if slow else []})  # fmt: skip
        return found
    assert isinstance(db, Database)
    for sql in await selects(db, call):
        alone = await timed(lambda sql=sql: db.fetchall(sql))
        found.append({**alone, "sql": " ".join(sql.split()), "plan": await plan(db, sql)})
    return found


async def measure(db: Store) -> dict[str, Any]:
    """compute() for the last 30 and 7 days, and each SELECT it runs alone."""
    results: dict[str, Any] = {}
    for label, days in (("month", 30), ("week", 7)):
        period = Period(NOW - timedelta(days=days), NOW)

        async def figures(period: Period = period) -> Insights:
            async with db.read() as conn:
                return await compute(
                    conn, CID, period, claim_sla_minutes=60, timezone="Europe/Paris", now=NOW
                )

        result: dict[str, Any] = {**await timed(figures)}
        result["summary"] = summary(await figures())
        print(f"--- {label}: {result['summary']}")
        result["selects"] = await each_select(db, figures)
        results[label] = result
    return results


def report_backend(name: str, measured: dict[str, Any]) -> None:
    """One backend's timings, then each SELECT alone with its plan."""
    print(f"{NAMES[name]}: target {TARGET_S} s (month p95)")
    for label, f in measured.items():
        mark = "✓" if f["p95"] <= TARGET_S * 1000 else "✗"
        print(f" {mark} compute {label:5}  first {f['first']} ms, p50 {f['p50']} ms, "
              f"p95 {f['p95']} ms, max {f['max']} ms")  # fmt: skip
        for s in f["selects"]:
            print(f"     {s['p50']:8.1f} ms  {s['sql'][:150]}")
            print("".join(f"{'':20}{step}\n" for step in s["plan"]), end="")


def side_by_side(results: dict[str, dict[str, Any]]) -> str:
    """compute() per window with each backend's first, p50, p95 and max; then, when both
    backends ran the same SELECTs, each one's p50 alone."""
    names = list(results)
    head = "| window |" + "".join(f" {NAMES[n]} first | p50 | p95 | max |" for n in names)
    lines = [head + " target |", "|---|" + "---|---|---|---|" * len(names) + "---|"]
    for label in results[names[0]]:
        cells = "".join(
            f" {f['first']} ms | **{f['p50']} ms** | {f['p95']} ms | {f['max']} ms |"
            for f in (results[n][label] for n in names)
        )
        target = f"< {TARGET_S:.0f} s" if label == "month" else "—"
        lines.append(f"| last {'30' if label == 'month' else '7'} days |{cells} {target} |")
    for label in results[names[0]]:
        selects = [results[n][label]["selects"] for n in names]
        if len(names) < 2 or len({len(s) for s in selects}) != 1:
            continue
        head = f"| {label}: each SELECT alone (p50) |" + "".join(f" {NAMES[n]} |" for n in names)
        lines += ["", head, "|---|" + "---|" * len(names)]
        for row in zip(*selects, strict=True):
            text = row[-1]["sql"][:72].replace("|", "/").replace("`", "'")  # PostgreSQL's: ?
            lines.append(f"| `{text}…` |" + "".join(f" {r['p50']} ms |" for r in row))
    return "\n".join(lines)


async def measure_file(path: Path) -> dict[str, Any]:
    """Open the SQLite file the bot's way and measure."""
    db = Database(path)
    await db.open()
    try:
        return await measure(db)
    finally:
        await db.close()  # also on a failure: an open connection's thread keeps Python alive


async def measure_postgres(url: str) -> dict[str, Any]:
    """Open the PostgreSQL copy as the insights read it (no migration: a reader) and measure."""
    db = PostgresDatabase(url)
    await db.open([])
    try:
        return await measure(db)
    finally:
        await db.close()


async def run(backends: list[str], analyze: bool) -> None:
    """Build (or reuse) the database, measure on a fresh copy of it on each backend, print the
    figures side by side."""
    keep = os.environ.get("BENCH_WORKDIR")
    results: dict[str, dict[str, Any]] = {}
    copied: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Keyed by the schema too: a changed migration (an index) means a rebuild.
        schema = hashlib.sha1("".join(m.sql for m in bundled_migrations()).encode()).hexdigest()
        name = f"insights-{QUESTIONS}q-{LEDGER_ROWS}r-v{VERSION}-{schema[:8]}.db"
        cached = Path(keep or tmp) / name
        meta = cached.with_suffix(".json")
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            meta.write_text(json.dumps({"build_s": await build(cached)}))
        built = json.loads(meta.read_text()) if meta.exists() else {"build_s": None}
        size = round(cached.stat().st_size / 2**20, 1)
        if "sqlite" in backends:
            print("=== SQLite")
            db_path = Path(tmp) / "run.db"
            shutil.copyfile(cached, db_path)  # every run starts from the same file
            results["sqlite"] = await measure_file(db_path)
        if "postgresql" in backends:
            print("=== PostgreSQL: copying the file (bot.storage.move, as migrate-db) …")
            async with postgres_copy(cached, analyze=analyze) as copy:
                print(f"copied {copy.rows:,} rows in {copy.copy_s} s; VACUUM (ANALYZE) "
                      f"{copy.analyze_s} s; server {copy.server}")  # fmt: skip
                results["postgresql"] = await measure_postgres(copy.url)
                copied = copy.report()
    print(
        f"insights_bench: {QUESTIONS:,} questions, {LEDGER_ROWS:,} ledger rows, {MEMBERS:,}"
        f" members; built in {built['build_s']} s, {size} MiB (SQLite)"
    )
    for name, measured in results.items():
        report_backend(name, measured)
    if len(results) == 2:
        same = all(results["sqlite"][w]["summary"] == results["postgresql"][w]["summary"]
                   for w in results["sqlite"])  # fmt: skip
        print(f"same figures on SQLite and PostgreSQL: {'yes' if same else 'NO (see --- lines)'}")
    if results:
        print(side_by_side(results))
    figures = {
        backend: {k: {m: v[m] for m in ("first", "p50", "p95", "max")} for k, v in got.items()}
        for backend, got in results.items()
    }
    print(json.dumps({"build_s": built["build_s"], "db_mib": size, **figures,
                      **({"postgresql_copy": copied} if copied else {})}))  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run."""
    on_both_stores.main("python -m bench.insights_bench", run, argv)


if __name__ == "__main__":
    main()
