"""Dense scoring: each document has several unit vectors (title, phrasings, body); its score
is the best cosine among them, so a question matching any one phrasing ranks it high."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


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

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Best cosine per document (vectors are unit length, so a dot product)."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        sims = self.matrix @ query.astype(np.float32)
        best: np.ndarray = np.maximum.reduceat(sims, self.starts)
        return best

    def scores_many(self, queries: np.ndarray) -> np.ndarray:
        """Scores for a batch of queries: shape (queries, documents)."""
        if self.size == 0:
            return np.zeros((len(queries), 0), dtype=np.float32)
        sims = queries.astype(np.float32) @ self.matrix.T
        best: np.ndarray = np.maximum.reduceat(sims, self.starts, axis=1)
        return best
