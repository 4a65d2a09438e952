"""A progress bar and per-batch model timings while the knowledge base embeds its articles,
without changing the bot: forward hooks on a torch model, a wrapper around the ONNX
embedder's batch runner, or (any other embedder) no bar and no timings."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from bot.core.ports import Embedder

LONG_TOKENS = 64  # batches padded past this length hold article bodies, not titles/aliases


class EncodeProgress:
    """Per-batch (texts, padded tokens, seconds) of the model, and a bar where possible."""

    def __init__(self, total: int, show: bool = True) -> None:
        self.total = total
        self.show = show
        self.batches: list[tuple[int, int, float]] = []
        self.how = "none"  # torch-hooks, onnx-runs or none: what attach() could hold on to
        self._bar: tqdm | None = None
        self._handles: list[Any] = []
        self._wrapped: Any = None
        self._t0 = 0.0

    def attach(self, embedder: Embedder) -> None:
        """Hold on to the embedder's model; an embedder of another kind is left alone."""
        model = getattr(embedder, "_model", None)
        if model is not None and hasattr(model, "register_forward_hook"):
            self._handles = [
                model.register_forward_pre_hook(self._before),
                model.register_forward_hook(self._after),
            ]
            self.how = "torch-hooks"
        elif callable(getattr(embedder, "_run", None)):
            run = embedder._run  # type: ignore[attr-defined]

            def timed(encodings: Sequence[Any]) -> Any:
                t0 = time.perf_counter()
                result = run(encodings)
                width = max((len(e.ids) for e in encodings), default=0)
                self._record(len(encodings), width, time.perf_counter() - t0)
                return result

            embedder._run = timed  # type: ignore[attr-defined]  # on the instance only
            self._wrapped = embedder
            self.how = "onnx-runs"
        else:
            return
        if self.show:
            self._bar = tqdm(
                total=self.total,
                desc="embedding articles",
                unit="text",
                file=sys.stderr,
                leave=False,
            )

    def _before(self, module: Any, args: Any) -> None:
        self._t0 = time.perf_counter()

    def _after(self, module: Any, args: Any, output: Any) -> None:
        texts, length = (int(n) for n in args[0]["input_ids"].shape)
        self._record(texts, length, time.perf_counter() - self._t0)

    def _record(self, texts: int, length: int, seconds: float) -> None:
        self.batches.append((texts, length, seconds))
        if self._bar is not None:
            self._bar.update(texts)

    def detach(self) -> None:
        """Remove the hooks or the wrapper (the class's own method shows through again)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        if self._wrapped is not None:
            del self._wrapped._run
            self._wrapped = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def split(self) -> dict[str, float]:
        """Model time and ms per text for short texts (titles, aliases) and long (bodies)."""
        result: dict[str, float] = {}
        for name, long in (("short", False), ("long", True)):
            chosen = [(t, s) for t, n, s in self.batches if (n > LONG_TOKENS) == long]
            texts, seconds = sum(t for t, _ in chosen), sum(s for _, s in chosen)
            result[f"{name}_texts"] = texts
            result[f"{name}_model_s"] = round(seconds, 2)
            result[f"{name}_ms_per_text"] = round(seconds / texts * 1000, 2) if texts else 0.0
        return result
