"""Dense scoring: each document has several unit vectors (title, phrasings, body); its score
is the best cosine among them, so a question matching any one phrasing ranks it high."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.retrieval.calibrate import faster, native_bfloat16

log = logging.getLogger(__name__)

# Below this many document vectors the float32 product costs a few milliseconds at most.
CALIBRATE_FROM = 2_000


class DenseIndex:
    """Cosine similarity of a query to every document, max over each document's vectors."""

    def __init__(self, vectors: Sequence[np.ndarray], dim: int) -> None:
        self.size = len(vectors)
        counts = [len(v) for v in vectors]
        if any(n == 0 for n in counts):
            raise ValueError("every document needs at least one vector")
        self.matrix = (
            np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, dim), np.float32)
        )
        self.starts = np.cumsum([0, *counts[:-1]]) if counts else np.zeros(0, dtype=np.int64)
        self.ends = self.starts + np.asarray(counts, dtype=np.int64)
        self._bf16: Any = None  # torch bfloat16 copy of the matrix, when that is faster here

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Best cosine per document (vectors are unit length, so a dot product)."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        sims = self.matrix @ query.astype(np.float32)
        best: np.ndarray = np.maximum.reduceat(sims, self.starts)
        return best

    def scores_many(self, queries: np.ndarray) -> np.ndarray:
        """Scores for a batch of queries: shape (queries, documents).

        Runs in bfloat16 where calibration found that faster (cosines then carry ~0.003 of
        rounding; `exact` gives the float32 figure of a chosen document).
        """
        if self.size == 0:
            return np.zeros((len(queries), 0), dtype=np.float32)
        if self._bf16 is not None:
            sims = _bf16_product(queries, self._bf16)
        else:
            sims = queries.astype(np.float32) @ self.matrix.T
        best: np.ndarray = np.maximum.reduceat(sims, self.starts, axis=1)
        return best

    def exact(self, queries: np.ndarray, document: int) -> float:
        """Float32 score of one document: mean over the query views of its best cosine."""
        rows = self.matrix[self.starts[document] : self.ends[document]]
        sims = np.atleast_2d(queries).astype(np.float32) @ rows.T
        return float(sims.max(axis=1).mean())

    def calibrate(self) -> bool:
        """Use the bfloat16 product if it beats float32 on this CPU.

        On CPUs with native bfloat16 (e.g. AVX-512 BF16) it is ~4x faster and shares
        torch's threads with the model; elsewhere it can be slower, hence a measurement. Only
        where torch is already loaded (the torch backend).
        """
        # Only beside the torch backend: the onnx backend runs without torch, and importing
        # it here would cost ~450 MB and seconds at 10,000 articles.
        if len(self.matrix) < CALIBRATE_FROM or "torch" not in sys.modules:
            return False
        if not native_bfloat16():  # it can't win: don't spend the start measuring it
            return False
        import torch

        matrix = torch.from_numpy(self.matrix).to(torch.bfloat16)
        probe = np.random.default_rng(0).standard_normal((32, self.matrix.shape[1]))
        probe = probe.astype(np.float32)
        worth_it, exact, fast = faster(
            lambda: probe @ self.matrix.T, lambda: _bf16_product(probe, matrix)
        )
        self._bf16 = matrix if worth_it else None
        log.info(
            "dense index: %d vectors, 32 queries in float32 %.1f ms, bfloat16 %.1f ms: using %s",
            len(self.matrix),
            exact * 1000,
            fast * 1000,
            "bfloat16" if self._bf16 is not None else "float32",
        )
        return self._bf16 is not None


def _bf16_product(queries: np.ndarray, matrix: Any) -> np.ndarray:
    import torch

    with torch.inference_mode():
        left = torch.from_numpy(np.ascontiguousarray(queries, dtype=np.float32))
        sims: np.ndarray = (left.to(torch.bfloat16) @ matrix.T).float().numpy()
    return sims
