"""Where exported embedding models live: one folder per source model and export recipe,
named by a content hash of the weights, so a model is exported once and again only when its
weights or the recipe change. Reading it needs neither torch nor the source weights: the
runtime image of the Docker build carries the folder alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

# Bump when the export changes what it writes (graph, quantisation): old exports are redone.
RECIPE = "onnx-int8-per-channel-2"
META = "entraide-export.json"
# What decides the exported model's numbers; hashing them names the export.
SOURCE_FILES = (
    "model.safetensors",
    "pytorch_model.bin",
    "config.json",
    "tokenizer.json",
    "sentence_bert_config.json",
    "modules.json",
    "1_Pooling/config.json",
)


@dataclass(frozen=True)
class Exported:
    """An exported model folder and what the export measured."""

    folder: Path
    model: str
    digest: str  # of the source files and the recipe
    dim: int
    max_length: int
    agreement: float  # mean cosine against the torch model on the probe texts

    @property
    def onnx(self) -> Path:
        """The quantised graph."""
        return self.folder / "model.onnx"

    @property
    def tokenizer(self) -> Path:
        """The model's own tokenizer, copied beside the graph."""
        return self.folder / "tokenizer.json"

    @property
    def name(self) -> str:
        """The embedder's name, the vector cache's key: backend and export say which."""
        return f"{self.model}@{RECIPE}-{self.digest[:12]}"


def default_cache() -> Path:
    """The per-user cache folder ($XDG_CACHE_HOME/entraide/models or ~/.cache/…)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "entraide" / "models"


def source_digest(source: Path) -> str:
    """A content hash of what the export reads from a model folder, and of the recipe."""
    digest = hashlib.sha256(RECIPE.encode())
    for name in SOURCE_FILES:
        path = source / name
        if not path.is_file():
            continue
        digest.update(b"\x00" + name.encode() + b"\x00")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_") or "model"


def folder_for(cache: Path, model: str, digest: str) -> Path:
    """Where the export of `model` with this digest lives."""
    return cache / f"{_slug(model)}-{digest[:16]}"


def read(folder: Path) -> Exported | None:
    """The export in `folder`, or None if it is missing, incomplete or of another recipe."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if meta.get("recipe") != RECIPE:
            return None
        exported = Exported(
            folder=folder,
            model=str(meta["model"]),
            digest=str(meta["digest"]),
            dim=int(meta["dim"]),
            max_length=int(meta["max_length"]),
            agreement=float(meta["agreement"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not exported.onnx.is_file() or not exported.tokenizer.is_file():
        return None
    return exported


def write(exported: Exported) -> None:
    """Record an export; written last, so a folder with it is complete."""
    meta = {k: v for k, v in asdict(exported).items() if k != "folder"}
    meta["recipe"] = RECIPE
    (exported.folder / META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def find(cache: Path, model: str, source: Path | None) -> Exported | None:
    """The export of `model` for these weights; without the weights at hand (a runtime
    image), the newest export of that model made with this recipe."""
    if source is not None:
        return read(folder_for(cache, model, source_digest(source)))
    found = [e for f in cache.glob(f"{_slug(model)}-*") if (e := read(f)) is not None]
    found = [e for e in found if e.model == model]
    return max(found, key=lambda e: e.onnx.stat().st_mtime, default=None)
