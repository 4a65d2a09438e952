"""Exporting a packaged sentence-transformers model to ONNX, int8: the one step that needs
torch. The graph comes from the model's own weights on disk (nothing is downloaded), is
optimised by ONNX Runtime's transformer optimiser, quantised dynamically per channel, and
checked against the torch model on probe texts; an export that disagrees is refused.

Per-channel int8 keeps cosines within ~0.01 of float32 for MiniLM; the quantiser's
per-tensor default drifts to ~0.93 on some texts and is refused (see the tests).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.retrieval import model_cache
from bot.retrieval.embedder import PROBE, resolve_model
from bot.retrieval.model_cache import Exported
from bot.retrieval.onnx_embedder import OnnxEmbedder

log = logging.getLogger(__name__)

# Against torch on the probe texts: the mean cosine, and the lowest any text may have (the
# shipped recipe: mean ~0.992, lowest ~0.957 for the two-letter "ok"; per-tensor: ~0.966).
MIN_AGREEMENT = 0.99
MIN_ANY = 0.95
OPSET = 17
# Questions as members type them, and long posts past the model's 256 tokens.
PROBE_TEXTS = [
    *PROBE,
    "Comment changer la langue du bot pour toute la communauté ?",
    "Good Bank\nWhich is a good bank as per your experience in Doha",
    " ".join(["The export button on the reports page is greyed out since the update."] * 40),
    "ok",
]


class ExportError(Exception):
    """The model can't be exported, or its export disagrees with the model: the message
    says why and what to do."""


def export_model(
    model: str, cache: Path, *, per_channel: bool = True, min_agreement: float = MIN_AGREEMENT
) -> Exported:
    """The export of `model` in `cache`: made now if it isn't there yet."""
    source = Path(resolve_model(model))
    if not (source / "config.json").is_file():
        raise ExportError(f"{source} holds no model (no config.json)")
    digest = model_cache.source_digest(source)
    if not per_channel:  # never mistaken for the shipped recipe's export
        digest = f"per-tensor-{digest}"
    target = model_cache.folder_for(cache, model, digest)
    existing = model_cache.read(target)
    if existing is not None:
        return existing
    pooling, max_length = _pooling(source)
    if pooling != "mean":
        raise ExportError(f"{model} pools by {pooling}; the ONNX backend does mean pooling only")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=cache) as tmp:
        work = Path(tmp)
        reference = _reference(source)
        # The tracer's and quantiser's advice is for their developers, not for our users.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _to_onnx(reference, work / "fp32.onnx")
            _optimise(work / "fp32.onnx", work / "optimised.onnx", reference)
            folder = work / "out"
            folder.mkdir()
            logging.disable(logging.WARNING)
            try:
                _quantise(work / "optimised.onnx", folder / "model.onnx", per_channel)
            finally:
                logging.disable(logging.NOTSET)
        shutil.copy(source / "tokenizer.json", folder / "tokenizer.json")
        dim = int(reference[0].auto_model.config.hidden_size)
        draft = Exported(folder, model, digest, dim, max_length, 0.0)
        agreement, lowest = _agreement(reference, OnnxEmbedder(draft, threads=1))
        if agreement < min_agreement or lowest < MIN_ANY:
            raise ExportError(
                f"the ONNX export of {model} disagrees with the model (cosine {agreement:.4f} "
                f"on average, {lowest:.4f} at worst; needed {min_agreement} and {MIN_ANY}); "
                'it was not kept: use backend = "torch" for this model'
            )
        exported = Exported(target, model, digest, dim, max_length, round(agreement, 6))
        model_cache.write(replace(exported, folder=folder))
        if target.exists():  # another process exported it meanwhile
            shutil.rmtree(target)
        os.replace(folder, target)
    log.info("exported %s to %s (agreement %.4f)", model, target, agreement)
    return exported


def _pooling(source: Path) -> tuple[str, int]:
    import json

    try:
        pooling = json.loads((source / "1_Pooling" / "config.json").read_text("utf-8"))
        config = json.loads((source / "sentence_bert_config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"{source}: not a sentence-transformers model ({exc})") from None
    mode = next(
        (
            k.removeprefix("pooling_mode_").removesuffix("_tokens")
            for k, v in pooling.items()
            if k.startswith("pooling_mode_") and v is True
        ),
        "none",
    )
    return mode, int(config.get("max_seq_length") or 256)


def _reference(source: Path) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    return SentenceTransformer(str(source), device="cpu")


def _to_onnx(reference: Any, path: Path) -> None:
    import torch

    class Encoder(torch.nn.Module):
        """The transformer alone; pooling happens in numpy."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = reference[0].auto_model
    # Attention written out (not the fused SDPA call) is what the optimiser recognises and
    # fuses: slightly closer to torch after quantisation (lowest probe cosine 0.964 vs 0.957).
    model.set_attn_implementation("eager")
    encoder = Encoder(model).eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tuple(torch.ones(2, 16, dtype=torch.long) for _ in names)
    with torch.no_grad():
        torch.onnx.export(
            encoder,
            sample,
            str(path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=OPSET,
            dynamo=False,
        )


def _optimise(source: Path, target: Path, reference: Any) -> None:
    from onnxruntime.transformers import optimizer

    config = reference[0].auto_model.config
    optimised = optimizer.optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
    )
    optimised.save_model_to_file(str(target))


def _quantise(source: Path, target: Path, per_channel: bool) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(source),
        str(target),
        per_channel=per_channel,
        weight_type=QuantType.QInt8,
        # The optimiser's fused operators hide some types from shape inference.
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )


def _agreement(reference: Any, exported: OnnxEmbedder) -> tuple[float, float]:
    """Mean and lowest cosine between the torch model's and the export's embeddings."""
    expected = np.asarray(
        reference.encode(PROBE_TEXTS, normalize_embeddings=True, show_progress_bar=False),
        dtype=np.float32,
    )
    cosines = (expected * exported.encode(PROBE_TEXTS)).sum(axis=1)
    return float(cosines.mean()), float(cosines.min())
