"""The history evaluation on a hand-made forum (fake embedder): which threads enter the
history, what a query is shown, and how the scores and the gate sweep read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.history_eval import PROBES, evaluate, load_probe, load_queries, parse
from bench.history_scores import (
    Hit,
    QueryRun,
    Shown,
    SweepRow,
    best_floor,
    gated,
    ranking_map,
    render,
    render_probes,
    shown_figures,
    sweep,
)
from tests.fakes.embedder import FakeEmbedder

THREADS = [
    {"id": "A", "title": "Visa renewal at the immigration office",
     "body": "How long does the visa renewal take at the immigration office?", "user": "U1",
     "date": "2013-01-01 10:00:00"},
    {"id": "B", "title": "Best beach for a picnic",
     "body": "Which beach near Doha is best for a family picnic?", "user": "U2",
     "date": "2013-02-01 09:00:00"},
    {"id": "C", "title": "Driving licence test",
     "body": "Where do I book the driving licence test?", "user": "U3",
     "date": "2013-03-01 12:00:00"},
]  # fmt: skip
# (thread, answerer, label): A and B get a Good answer by someone else; C only a Bad one,
# and a Good reply by its own asker, which solves nothing.
ANSWERS = [
    ("A", "U4", "Good", "Renewing the visa at the immigration office takes about a week."),
    ("B", "U5", "Good", "The beach at Sealine is the best for a family picnic."),
    ("C", "U6", "Bad", "No idea, sorry."),
    ("C", "U3", "Good", "Found it: the driving school books the licence test."),
]
QUERIES = [
    {"id": "QA", "query": "Visa renewal time\nHow long does the immigration office take to renew "
     "a visa?", "relevant": ["A", "C"], "candidates": ["A", "B"]},
    {"id": "QC", "query": "Driving licence test booking\nWhere do I book the driving licence "
     "test?", "relevant": ["C"], "candidates": ["C", "B"]},
]  # fmt: skip


def write_forum(folder: Path) -> Path:
    """The forum in the data set's format."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in THREADS)
    with (folder / "answers.jsonl").open("w", encoding="utf-8") as out:
        for n, (thread, user, label, text) in enumerate(ANSWERS):
            row = {"question_id": thread, "answer_id": f"{thread}_C{n}", "user": user,
                   "label": label, "text": text, "date": f"2014-01-01 10:0{n}:00"}  # fmt: skip
            out.write(json.dumps(row) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in QUERIES)
    return folder


def test_a_relevant_thread_outside_the_candidates_is_not_relevant(tmp_path: Path) -> None:
    """QA names C relevant, but C is not among its candidates: it never counts."""
    queries = load_queries(write_forum(tmp_path))
    assert [(q.id, q.relevant) for q in queries] == [
        ("QA", frozenset({"A"})),
        ("QC", frozenset({"C"})),
    ]
    assert queries[0].text.startswith("Visa renewal time\nHow long")


async def test_the_replay_shows_solved_threads_and_ranks_only_them(tmp_path: Path) -> None:
    """A and B are solved (a Good answer by someone else, ✅ by the asker); C is not, so the
    query about C is shown nothing and C is ranked in no mode."""
    runs, replayed = await evaluate(write_forum(tmp_path / "forum"), FakeEmbedder())
    assert (replayed.threads, replayed.replies, replayed.marks) == (3, 4, 2)
    assert replayed.solved == 2
    assert replayed.errors == []
    visa, licence = runs
    assert visa.shown[:1] == ("A",)
    assert licence.shown == ()
    for mode in ("dense", "bm25", "hybrid"):
        assert visa.ranked[mode][0].id == "A"
        assert "C" not in [h.id for h in licence.ranked[mode]]
    # what the bot recorded is what the gate at its default picks from the hybrid ranking
    assert list(visa.shown) == gated(visa.ranked["hybrid"], replayed.floors["hybrid"], 2)
    assert ranking_map(runs, "hybrid") == 50.0  # QA: A first (AP 1); QC: C absent (AP 0)


async def test_probes_are_asked_after_the_queries_and_none_is_relevant(tmp_path: Path) -> None:
    """An off-topic question gets nothing; one copying thread A's words is shown A, a wrong
    thread the probe table counts, at the default gate and below its top floor."""
    probes = {
        "off-topic": ["How do I reset my password?", "Visa renewal at the immigration office"],
    }
    runs, replayed = await evaluate(write_forum(tmp_path / "forum"), FakeEmbedder(), probes=probes)
    assert len(runs) == 2
    assert replayed.errors == []
    password, visa = replayed.probes["off-topic"]
    assert (password.id, password.relevant, password.shown) == ("off-topic1", frozenset(), ())
    assert visa.shown[:1] == ("A",)
    assert not visa.relevant
    table = render_probes(replayed.probes, ("hybrid",), replayed.floors, replayed.most)
    assert "- off-topic: 2 questions, shown a thread by the bot as shipped: 50% (1/2)" in table
    assert "at the default gate: hybrid 50% (1/2)" in table
    assert "| gate ≥ | off-topic, hybrid |" in table
    assert "| 0.50 | 50% (1/2) |" in table


def test_the_probe_files_hold_enough_questions() -> None:
    """At least 40 off-topic and 20 near-topic questions, none repeated."""
    offtopic, neartopic = (load_probe(PROBES[name]) for name in ("off-topic", "near-topic"))
    assert len(offtopic) >= 40
    assert len(neartopic) >= 20
    assert len(set(offtopic + neartopic)) == len(offtopic) + len(neartopic)


def run(
    name: str, relevant: str, *hits: tuple[str, float], shown: tuple[str, ...] = ()
) -> QueryRun:
    ranked = tuple(Hit(doc, confidence) for doc, confidence in hits)
    return QueryRun(name, frozenset(relevant.split()), shown, {"hybrid": ranked})


RUNS = [
    run("q1", "a", ("a", 0.9), ("b", 0.6)),
    run("q2", "c", ("b", 0.7), ("c", 0.65)),
    run("q3", "d", ("e", 0.55)),
    run("q4", "", ("f", 0.4), shown=("f",)),  # nothing relevant, yet the bot showed f
]


def test_the_gate_filters_the_first_hits_in_ranking_order() -> None:
    """The second hit may pass where the first doesn't (fused ranking ≠ cosine order)."""
    hits = (Hit("x", 0.6), Hit("y", 0.8), Hit("z", 0.9))
    assert gated(hits, 0.75, 2) == ["y"]
    assert gated(hits, 0.5, 2) == ["x", "y"]


def test_coverage_and_precision_count_the_first_shown_thread() -> None:
    figures = shown_figures(
        [(["a", "b"], frozenset("a")), (["b", "a"], frozenset("a")), ([], frozenset("a"))]
    )
    assert figures == Shown(3, 2, 1)
    assert (round(figures.coverage, 2), figures.precision) == (0.67, 0.5)
    assert shown_figures([([], frozenset())]).precision is None


def test_the_sweep_and_the_best_floor() -> None:
    """At 0.50 three queries are shown, one right; at 0.70 two, one right; at 0.75 only
    the right one: the lowest floor reaching P@1 0.80 is the best."""
    rows = sweep(RUNS, "hybrid", most=2, floors=(0.5, 0.7, 0.75, 0.95))
    assert [r.shown for r in rows] == [
        Shown(4, 3, 1),
        Shown(4, 2, 1),
        Shown(4, 1, 1),
        Shown(4, 0, 0),
    ]
    assert best_floor(rows) == SweepRow(0.75, Shown(4, 1, 1))
    assert best_floor(rows[:2]) is None


def test_the_map_is_the_kb_eval_figure_and_the_table_names_it() -> None:
    """MAP@10 over the full ranking: q1 AP 1, q2 AP 0.5, q3 and q4 AP 0 → 37.5."""
    assert ranking_map(RUNS, "hybrid") == 37.5
    table = render(RUNS, ("hybrid",), {"hybrid": 0.75}, 2)
    assert "| hybrid | cosine ≥ 0.75 | 25% (1/4), P@1 1.00 | 37.50 |" in table
    assert "hybrid: best cosine floor with P@1 ≥ 0.80: 0.75" in table
    assert "1 queries have no relevant thread: the bot showed one to 1 of them." in table


def test_the_command_line_takes_modes_and_refuses_unknown_ones() -> None:
    assert parse(["--modes", "hybrid,bm25", "--limit", "5"]).modes == ("hybrid", "bm25")
    assert parse([]).modes == ("dense", "bm25", "hybrid")
    with pytest.raises(SystemExit):
        parse(["--modes", "dense,lexical"])
