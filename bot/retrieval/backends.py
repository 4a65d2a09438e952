"""Choosing the embedding backend: `onnx` (the default: ONNX Runtime, int8, no torch at run
time) or `torch` (sentence-transformers, as before; for export, evaluation and as the
fallback). Neither loading: None, and the bot ranks by words alone (BM25).
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Literal

from bot.core.ports import Embedder
from bot.retrieval import model_cache
from bot.retrieval.model_cache import Exported

log = logging.getLogger(__name__)

Backend = Literal["onnx", "torch"]
BACKENDS: tuple[Backend, ...] = ("onnx", "torch")


class NoExport(Exception):
    """No exported model at hand and none can be made here; the message says what to do."""


def source_of(model: str) -> Path | None:
    """The folder of the model's weights on this machine, or None (a runtime image holds
    only the export)."""
    from bot.retrieval.embedder import resolve_model  # imports no torch

    try:
        path = Path(resolve_model(model))
    except ImportError:
        return None
    return path if (path / "config.json").is_file() else None


def exported_model(model: str, cache: Path) -> Exported:
    """The ONNX export of `model`: from the cache, else made now where torch is installed."""
    source = source_of(model)
    found = model_cache.find(cache, model, source)
    if found is not None:
        return found
    if source is None:
        raise NoExport(f"no ONNX export of {model} in {cache}, and its weights aren't installed")
    if importlib.util.find_spec("torch") is None:
        raise NoExport(
            f"no ONNX export of {model} in {cache}: run `python -m bot kb export-model` "
            "where torch is installed, and copy the folder here"
        )
    log.warning("exporting %s to ONNX once, into %s (takes a few seconds)", model, cache)
    from bot.retrieval.onnx_export import export_model

    return export_model(model, cache)


def load_embedder(
    model: str, backend: Backend = "onnx", cache: Path | None = None
) -> Embedder | None:
    """The embedder, or None (after one warning) when no backend can load the model; an
    ONNX backend that can't falls back to torch where it is installed."""
    reasons = []
    if backend == "onnx":
        try:
            from bot.retrieval.onnx_embedder import OnnxEmbedder

            return OnnxEmbedder(exported_model(model, cache or model_cache.default_cache()))
        except Exception as exc:
            reasons.append(f"onnx: {exc}")
    if importlib.util.find_spec("torch") is not None:
        try:
            from bot.retrieval.embedder import SentenceEmbedder

            decisions = (cache or model_cache.default_cache()) / "bfloat16.json"
            embedder = SentenceEmbedder(model, decisions=decisions)
        except Exception as exc:
            reasons.append(f"torch: {exc}")
        else:
            if reasons:
                log.warning("ONNX backend unavailable for %r (%s); using torch", model, reasons[0])
            return embedder
    else:
        reasons.append("torch: not installed")
    log.warning(
        "embedding model %r unavailable (%s); running lexical-only", model, "; ".join(reasons)
    )
    return None
