"""Ranking metrics and `kb eval`, checked against values computed by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.retrieval import metrics

ROOT = Path(__file__).resolve().parent.parent.parent


def test_metrics_on_two_hand_made_queries() -> None:
    """Query 1: relevant b, d at ranks 2 and 4. Query 2: nothing relevant (AP counts 0)."""
    runs = [(["a", "b", "c", "d"], {"b", "d"}), (["x", "y"], set[str]())]
    result = metrics.summarise(runs)
    # AP1 = (1/2 + 2/4) / 2 = 0.5, AP2 = 0 → MAP = 25 on the 0–100 scale.
    assert result["MAP"] == 25.0
    assert result["MRR"] == 0.25  # (1/2 + 0) / 2
    assert result["P@1"] == 0.0
    assert result["P@5"] == 0.2  # (2/5 + 0) / 2
    assert result["R@10"] == 0.5  # (1 + 0) / 2
    # nDCG1 = (1/log2 3 + 1/log2 5) / (1 + 1/log2 3) = 0.6509; nDCG2 = 0
    assert result["nDCG@10"] == pytest.approx(0.3255, abs=1e-4)
    assert result["queries"] == 2


def test_average_precision_is_cut_at_ten() -> None:
    """A relevant document at rank 11 doesn't count; the divisor is min(|relevant|, 10)."""
    ranked = [f"d{i}" for i in range(1, 12)]
    assert metrics.average_precision(ranked, {"d11"}) == 0.0
    assert metrics.average_precision(ranked, {"d1", "d11"}) == 0.5


def kb_eval(corpus: Path, queries: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot kb eval` in BM25 mode (no model needed)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "eval", str(corpus), str(queries), "--mode", "bm25"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write rows as JSON lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_kb_eval_prints_the_metrics_as_the_last_json_line(tmp_path: Path) -> None:
    """BM25 on a three-document corpus ranks exactly as worked out below."""
    corpus = write_jsonl(
        tmp_path / "corpus.jsonl",
        [
            {"id": "d1", "title": "apples bananas", "body": ""},
            {"id": "d2", "title": "cars trucks", "body": ""},
            {"id": "d3", "title": "apple pie recipe", "body": ""},
        ],
    )
    # q1 searches the whole corpus: only d2 mentions trucks → rank 1, AP 1.
    # q2 re-ranks d1 and d3: both contain the stem 'appl'; d1 is shorter, so BM25 puts it
    # first and the relevant d3 second → AP 1/2. MAP = 75, MRR 0.75, P@1 0.5.
    queries = write_jsonl(
        tmp_path / "queries.jsonl",
        [
            {"id": "q1", "query": "truck", "relevant": ["d2"]},
            {"id": "q2", "query": "apples", "relevant": ["d3"], "candidates": ["d1", "d3"]},
        ],
    )
    result = kb_eval(corpus, queries)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures == {
        "MAP": 75.0,
        "MRR": 0.75,
        "P@1": 0.5,
        "P@5": 0.2,
        "R@10": 1.0,
        "nDCG@10": pytest.approx(0.8155, abs=1e-4),
        "queries": 2,
    }


def test_kb_eval_rejects_a_bad_data_file(tmp_path: Path) -> None:
    """A broken JSON line is named with its file and line, exit code 2."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "d1", "title": "x", "body": ""}\n{oops\n', encoding="utf-8")
    queries = write_jsonl(tmp_path / "q.jsonl", [{"query": "x", "relevant": ["d1"]}])
    result = kb_eval(corpus, queries)
    assert result.returncode == 2
    assert f"{corpus}:2: not valid JSON" in result.stderr
