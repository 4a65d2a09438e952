"""Dense scoring: exact float32 scores, and the faster bfloat16 path."""

from __future__ import annotations

import numpy as np

from bot.retrieval.dense import CALIBRATE_FROM, DenseIndex
from bot.retrieval.index import Document, HybridIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    result: np.ndarray = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return result


def _documents(count: int, seed: int = 3) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [_unit(rng.standard_normal((1 + i % 3, 32))) for i in range(count)]


def test_a_document_scores_its_best_vector_and_exact_matches_the_matrix_product() -> None:
    """Max over a document's vectors; `exact` averages that over query views."""
    docs = _documents(5)
    index = DenseIndex(docs, 32)
    query = docs[2][-1]
    scores = index.scores(query)
    assert int(np.argmax(scores)) == 2
    assert scores[2] > 0.999
    views = _unit(np.vstack([query, docs[4][0]]))
    expected = float(np.mean([(docs[3] @ v).max() for v in views]))
    assert abs(index.exact(views, 3) - expected) < 1e-6


def test_bfloat16_scores_stay_within_rounding_of_float32() -> None:
    """Forced onto the bfloat16 product, scores differ from float32 by rounding only."""
    docs = _documents(400)
    index = DenseIndex(docs, 32)
    rng = np.random.default_rng(9)
    burst = _unit(rng.standard_normal((16, 32)))
    exact = index.scores_many(burst)
    import torch

    index._bf16 = torch.from_numpy(index.matrix).to(torch.bfloat16)
    fast = index.scores_many(burst)
    assert fast.shape == exact.shape
    assert np.abs(fast - exact).max() < 0.02
    assert not np.array_equal(fast, exact)  # the fast path really ran


def test_ranked_hits_report_exact_cosines_even_when_ranked_in_bfloat16() -> None:
    """The confidence the bot gates on is the float32 cosine, whatever the batch path."""
    docs = _documents(300)
    documents = [Document(f"d{i}", f"text {i}", (f"text {i}",)) for i in range(300)]
    hybrid = HybridIndex(documents, docs, 32)
    assert hybrid.dense is not None
    import torch

    hybrid.dense._bf16 = torch.from_numpy(hybrid.dense.matrix).to(torch.bfloat16)
    views = np.vstack([docs[7][0]] * 16)
    approximate = hybrid.dense.scores_many(views)[0]
    ranked = hybrid.rank("text 7", views[:1], dense_scores=approximate, limit=3)
    assert ranked[0].index == 7
    for scored in ranked:
        assert scored.dense == hybrid.dense.exact(views[:1], scored.index)


def test_calibration_picks_a_path_that_scores_like_float32() -> None:
    """Whichever path this CPU gets, burst scores equal float32 up to bfloat16 rounding."""
    docs = _documents(CALIBRATE_FROM)
    index = DenseIndex(docs, 32)
    exact = index.scores_many(_unit(np.random.default_rng(1).standard_normal((16, 32))))
    chose_bfloat16 = index.calibrate()
    assert chose_bfloat16 == (index._bf16 is not None)
    burst = index.scores_many(_unit(np.random.default_rng(1).standard_normal((16, 32))))
    assert np.abs(burst - exact).max() < 0.02
