"""A fast, deterministic stand-in for the sentence-transformers model.

Texts become hashed bags of stemmed words, so texts that share words are close; that is
enough to test plumbing (caching, thresholds, feedback) without loading a real model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from bot.retrieval.text import tokenize

DIM = 256


class FakeEmbedder:
    """Implements the Embedder port; counts how many texts it was asked to encode."""

    name = "fake-bag-of-words"
    dim = DIM

    def __init__(self) -> None:
        self.texts_encoded = 0  # by encode (articles, threads)
        self.queries_encoded = 0  # by encode_queries (questions, the gate's calibration)
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of hashed word counts."""
        self.texts_encoded += len(texts)
        return self._vectors(texts)

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                bucket = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest())
                out[row, bucket % DIM] += 1.0
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """The same vectors as encode (the fake has no faster path)."""
        self.queries_encoded += len(texts)
        return self._vectors(texts)
