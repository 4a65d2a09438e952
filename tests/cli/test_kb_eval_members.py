"""`kb eval --members`: the bot's own articles on the member question sets, as the bot asks
them, each figure with its interval; and what it says when it can't run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import kb, member_eval
from bot.cli.main import main
from bot.settings import project_dir
from tests.fakes.embedder import FakeEmbedder


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real model: the CLI gets the hashed bag-of-words embedder."""
    monkeypatch.setattr(kb, "load_embedder", lambda *_args: FakeEmbedder())


def members(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    """Run `kb eval --members` in-process; its JSON lines."""
    assert main(["kb", "eval", "--members", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]


def test_each_set_and_language_gets_its_figures_with_intervals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The test and dev sets in English and French: P@1 and R@3 inside their intervals,
    shown counts within the questions, and the 15 off-topic questions a language."""
    rows = members(capsys)
    assert [(r["set"], r["language"]) for r in rows] == [
        ("paraphrases", "en"),
        ("paraphrases_dev", "en"),
        ("paraphrases", "fr"),
        ("paraphrases_dev", "fr"),
    ]
    sizes = {"paraphrases": 30, "paraphrases_dev": 40}
    for row in rows:
        assert row["questions"] == sizes[str(row["set"])]
        for figure in ("P@1", "R@3"):
            share = row[figure]
            assert isinstance(share, dict)
            low, high = share["ci95"]
            assert 0 <= low <= share["value"] <= high <= 1
        assert row["P@1"]["value"] <= row["R@3"]["value"]  # type: ignore[index]
        assert 0 <= row["right first when shown"] <= row["shown"] <= row["questions"]  # type: ignore[operator]
        assert row["off-topic"] == 15


def test_against_a_baseline_gives_the_difference_and_its_interval(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Hybrid against itself differs by exactly 0; against BM25, the baseline's P@1 is its own."""
    for row in members(capsys, "--against", "hybrid"):
        assert row["against"] == {
            "mode": "hybrid",
            "P@1": row["P@1"]["value"],  # type: ignore[index]
            "diff": 0.0,
            "ci95": [0.0, 0.0],
        }
    bm25 = {(r["set"], r["language"]): r["P@1"] for r in members(capsys, "--mode", "bm25")}
    for row in members(capsys, "--against", "bm25"):
        against = row["against"]
        assert isinstance(against, dict)
        assert against["P@1"] == bm25[(row["set"], row["language"])]["value"]  # type: ignore[index]
        low, high = against["ci95"]
        assert low <= against["diff"] <= high


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "needs CORPUS.jsonl and QUERIES.jsonl, or --members"),
        (["--members", "--mode", "plain"], "with --members, --mode and --against take"),
        (["--members", "--against", "hybrid-plain"], "with --members, --mode and --against take"),
        (["--members", "a.jsonl"], "--members reads its own question sets"),
    ],
)
def test_wrong_arguments_are_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["kb", "eval", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


async def test_without_the_source_checkout_it_says_where_the_sets_live(tmp_path: Path) -> None:
    """An installed bot has no tests/fixtures: the error names the missing file."""
    with pytest.raises(member_eval.MissingSets, match=r"paraphrases\.jsonl not found"):
        await member_eval.evaluate(FakeEmbedder(), project_dir("knowledge"), fixtures=tmp_path)
