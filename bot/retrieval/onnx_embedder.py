"""Sentence embeddings on ONNX Runtime: the exported, int8-quantised model, the tokenizer
from `tokenizers`, mean pooling and normalisation in numpy. No torch, transformers or
sentence-transformers is imported here: a bot on this backend starts in well under a second
and holds a few hundred MB (figures in bench/README.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.retrieval.model_cache import Exported

# Long articles in big batches padded to 256 tokens peaked at ~850 MB: small batches of
# texts of similar length keep both the padding and the peak down.
BATCH = 16


def intra_op_threads(cores: int | None = None) -> int:
    """Threads one model run may use: the cores, up to 4. On this 2-core machine, quiet, two
    threads embedded one question in 1.7 ms against 3.2 ms with one (bench/README.md); past
    four, a model this small gains nothing."""
    return max(1, min(4, cores or os.cpu_count() or 1))


class OnnxEmbedder:
    """Unit-length float32 embeddings from an exported model (thread-safe: ONNX Runtime
    sessions may run concurrently)."""

    def __init__(self, exported: Exported, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or intra_op_threads()
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: numpy's product and BM25 run between
        # two model calls and need the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The arena keeps the peak of the longest batch for good (~535 MB against ~260 MB
        # without it, at the same speed).
        options.enable_cpu_mem_arena = False
        options.log_severity_level = 3
        self._session: Any = onnxruntime.InferenceSession(
            str(exported.onnx), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer: Any = Tokenizer.from_file(str(exported.tokenizer))
        # As sentence-transformers does: truncate at the model's length, pad to the batch.
        tokenizer.enable_truncation(exported.max_length)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self.exported = exported
        self.name = exported.name
        self.dim = exported.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, shape (len(texts), dim)."""
        result = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return result
        encoded = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            result[batch] = self._run([encoded[i] for i in batch])
        return result

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions one at a time: int8 activations are quantised over the whole batch, so
        in a batch a question's vector moved with its neighbours (top 3 unchanged for only
        70% of questions asked in bursts of 100); alone it is the same whoever else asks."""
        result = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            result[row] = self._run([self._tokenizer.encode(text)])[0]
        return result

    def _run(self, encodings: Sequence[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return vectors
