"""Lexical scoring with bm25s over our own tokens, plus a coverage score for confidence."""

from __future__ import annotations

import math
from collections.abc import Sequence

import bm25s
import numpy as np

K1 = 1.2
B = 0.75


class Bm25Index:
    """BM25 (Lucene variant) over tokenised documents; scores every document at once."""

    def __init__(self, documents: Sequence[list[str]]) -> None:
        self.size = len(documents)
        self._model = bm25s.BM25(k1=K1, b=B, method="lucene")
        # bm25s needs at least one token per document to build its vocabulary.
        corpus = [doc if doc else ["\u2205"] for doc in documents] or [["\u2205"]]
        self._model.index(corpus, show_progress=False)
        self._df: dict[str, int] = {}
        self._terms = [frozenset(doc) for doc in documents]
        for terms in self._terms:
            for term in terms:
                self._df[term] = self._df.get(term, 0) + 1

    def idf(self, term: str) -> float:
        """Lucene idf of a term (0 for unknown terms)."""
        df = self._df.get(term, 0)
        if df == 0:
            return 0.0
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens."""
        known = [t for t in query if t in self._df]
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        result: np.ndarray = self._model.get_scores(known)[: self.size]
        return result.astype(np.float32)

    def coverage(self, query: list[str], document: int) -> float:
        """Share of the query's information (idf mass) whose terms the document contains.

        Unlike a BM25 score it means the same for every query (0–1), so it can gate
        whether to answer at all when no embedding model is loaded. Unknown words count
        as information the knowledge base doesn't have.
        """
        unique = set(query)
        weights = {t: self.idf(t) if t in self._df else self._unknown_idf() for t in unique}
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        found = sum(w for t, w in weights.items() if t in self._terms[document])
        return found / total

    def _unknown_idf(self) -> float:
        return math.log(1 + (self.size + 0.5) / 0.5)
