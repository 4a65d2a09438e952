"""`kb eval --against`: a baseline mode on the same index, with the interval of the difference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import kb
from bot.cli.main import main
from bot.retrieval import evaluate
from tests.fakes.embedder import FakeEmbedder

CORPUS = [
    {"id": "d1", "title": "reset my password", "body": "use the login page link"},
    {"id": "d2", "title": "earn reputation points", "body": "helpful answers give points"},
    {"id": "d3", "title": "change the bot language", "body": "admins set the language"},
    {"id": "d4", "title": "password rules", "body": "twelve characters at least"},
]
# Two-line questions, so the multi-view (dense) and one-view (plain) queries differ.
QUERIES = [
    {"id": "q1", "query": "forgot password\nhow do I get back in", "relevant": ["d1"]},
    {"id": "q2", "query": "points\nhow are points earned here", "relevant": ["d2"]},
    {"id": "q3", "query": "language\nthe bot speaks English", "relevant": ["d3"]},
    {
        "id": "q4",
        "query": "password length",
        "relevant": ["d4"],
        "candidates": ["d1", "d4"],
    },
]


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny corpus and its queries as JSON-lines files."""
    corpus, queries = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in CORPUS), encoding="utf-8")
    queries.write_text("".join(json.dumps(r) + "\n" for r in QUERIES), encoding="utf-8")
    return corpus, queries


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real model: the CLI gets the hashed bag-of-words embedder."""
    monkeypatch.setattr(kb, "load_embedder", lambda *_args: FakeEmbedder())


def kb_eval(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    """Run `kb eval` in-process; the figures printed as its last line."""
    assert main(["kb", "eval", *args, "--no-progress"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("baseline", ["dense", "bm25", "plain", "hybrid-plain"])
def test_against_adds_the_baseline_map_and_the_interval(
    data: tuple[Path, Path], capsys: pytest.CaptureFixture[str], baseline: str
) -> None:
    """The baseline's MAP is the one its own run prints; the interval brackets the diff."""
    corpus, queries = map(str, data)
    paired = kb_eval(capsys, corpus, queries, "--mode", "hybrid", "--against", baseline)
    alone = kb_eval(capsys, corpus, queries, "--mode", baseline)
    against = paired["against"]
    assert isinstance(against, dict)
    assert set(against) == {"mode", "MAP", "diff", "ci95"}
    assert against["mode"] == baseline
    assert against["MAP"] == alone["MAP"]
    assert isinstance(paired["MAP"], float)
    assert against["diff"] == pytest.approx(paired["MAP"] - alone["MAP"], abs=0.011)
    low, high = against["ci95"]
    assert low <= against["diff"] <= high
    assert paired["queries"] == 4


def test_a_mode_against_itself_is_exactly_zero(
    data: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Same rankings on every query: difference 0, interval [0, 0]."""
    corpus, queries = map(str, data)
    result = kb_eval(capsys, corpus, queries, "--mode", "bm25", "--against", "bm25")
    assert result["against"] == {"mode": "bm25", "MAP": result["MAP"], "diff": 0.0, "ci95": [0, 0]}


@pytest.mark.parametrize(("mode", "one_view"), [("dense", "plain"), ("hybrid", "hybrid-plain")])
def test_one_view_changes_nothing_on_one_line_questions(
    tmp_path: Path,
    data: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    mode: str,
    one_view: str,
) -> None:
    """A one-line question has a single view, so both rank it the same."""
    corpus, _ = data
    one_line = tmp_path / "one-line.jsonl"
    rows = [{**q, "query": str(q["query"]).replace("\n", " ")} for q in QUERIES]
    one_line.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = kb_eval(capsys, str(corpus), str(one_line), "--mode", mode, "--against", one_view)
    against = result["against"]
    assert isinstance(against, dict)
    assert against["MAP"] == result["MAP"]
    assert against["ci95"] == [0, 0]


def test_without_against_the_figures_are_unchanged(
    data: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """No baseline asked: no "against" key (the JSON other tools read stays the same)."""
    corpus, queries = map(str, data)
    assert "against" not in kb_eval(capsys, corpus, queries, "--mode", "dense")


def test_a_bad_baseline_is_an_argparse_error(
    data: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown mode is refused before anything is loaded, naming the choices."""
    corpus, queries = map(str, data)
    with pytest.raises(SystemExit) as stop:
        main(["kb", "eval", str(corpus), str(queries), "--against", "sparse"])
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert "--against: invalid choice: 'sparse'" in error
    assert "'dense', 'bm25', 'hybrid', 'plain', 'hybrid-plain'" in error


@pytest.mark.parametrize(
    ("mode", "texts"), [("dense", 10), ("hybrid", 10), ("plain", 4), ("hybrid-plain", 4)]
)
def test_one_view_modes_embed_only_the_whole_question(
    data: tuple[Path, Path], mode: evaluate.EvalMode, texts: int
) -> None:
    """Three two-line questions make three views each, the one-line one makes one."""
    corpus, queries = data
    model = FakeEmbedder()
    index = evaluate.build_index(evaluate.load_corpus(corpus), model, progress=False)
    model.queries_encoded = 0
    evaluate.rankings(index, evaluate.load_queries(queries), model, mode, progress=False)
    assert model.queries_encoded == texts
