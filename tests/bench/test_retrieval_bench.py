"""The retrieval benchmark's pieces that need no model: the progress hold on each kind of
embedder, the side-by-side table and its targets, the peak-RSS wrapper, the command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench import retrieval_bench, retrieval_process, retrieval_report
from bench.encode_progress import EncodeProgress
from tests.fakes.embedder import FakeEmbedder


@dataclass
class _Encoding:
    ids: list[int]


class _OnnxLike:
    """Batches through `_run` as OnnxEmbedder does, with no torch model to hook."""

    name, dim = "onnx-like", 2

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        encodings = [_Encoding(list(range(len(t.split())))) for t in texts]
        return np.vstack([self._run(encodings[i : i + 2]) for i in range(0, len(texts), 2)])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def _run(self, encodings: Sequence[_Encoding]) -> np.ndarray:
        return np.ones((len(encodings), self.dim), dtype=np.float32)


def test_progress_degrades_on_an_embedder_without_a_model() -> None:
    progress = EncodeProgress(3, show=False)
    embedder = FakeEmbedder()
    progress.attach(embedder)
    embedder.encode(["a", "b", "c"])
    progress.detach()
    assert progress.how == "none"
    assert progress.batches == []
    assert progress.split()["short_texts"] == 0


def test_progress_times_the_onnx_batches_then_lets_go() -> None:
    progress = EncodeProgress(3, show=False)
    embedder = _OnnxLike()
    progress.attach(embedder)
    embedder.encode(["one two", "three", "four five six"])
    progress.detach()
    embedder.encode(["not counted"])
    assert progress.how == "onnx-runs"
    assert [(texts, width) for texts, width, _ in progress.batches] == [(2, 2), (1, 3)]
    assert "_run" not in vars(embedder)


def _backend(rss_kib: int, start_s: float, p50: float, qps: float, stackfaq: float) -> Any:
    return {
        "cold_build": {"seconds": 100.0, "texts_per_s": 500.0},
        "process_shipped": {"bot_peak_rss_kib": rss_kib, "seconds_to_suggestion": 1.0},
        "process_restart": {"bot_peak_rss_kib": rss_kib, "seconds_to_suggestion": start_s},
        "latency": {"hybrid": {"p50_ms": p50, "p99_ms": 10.0, "top1": 0.6}},
        "throughput": {"questions_per_s": qps},
        "eval": {"stackfaq": {"hybrid": {"MAP": stackfaq}}},
    }


def test_table_marks_the_onnx_targets_only() -> None:
    results = {
        "corpus": {"articles": 10_000},
        "backends": {
            "onnx": _backend(300_000, 1.2, 9.5, 600.0, 97.0),
            "torch": _backend(900_000, 8.0, 16.0, 300.0, 97.61),
        },
    }
    lines = retrieval_report.table(results).splitlines()
    assert lines[0] == "| measure | onnx | torch | target (onnx) |"
    row = {line.split(" | ")[0].strip("| "): line.split(" | ")[1:] for line in lines[2:]}
    assert row["bot peak RSS, shipped KB (MB)"][:2] == ["307 ✓", "922"]
    assert row["start → first dense suggestion, 10,000 articles (s)"][0] == "1.20 ✓"
    assert row["one question, p50 (ms), 10,000 articles"][0] == "9.5 ✗"
    assert row["questions/s, bursts of 100"][0] == "600 ✓"
    assert row["StackFAQ MAP, hybrid"][0] == "97.00 ✗"  # 0.61 below torch
    assert row["SemEval dev re-rank MAP, hybrid"][:2] == ["—", "—"]
    assert row["index build: embed 10,000 articles, whole build (s)"][:2] == ["100", "100"]


def test_a_warm_cache_shows_no_build_figures() -> None:
    warm = _backend(300_000, 1.2, 9.5, 600.0, 97.0)
    warm["cold_build"]["texts_embedded"] = 0
    results = {"corpus": {"articles": 10}, "backends": {"onnx": warm}}
    lines = retrieval_report.table(results).splitlines()
    assert lines[-1] == "| StackFAQ MAP, hybrid | 97.00 | within 0.5 of torch |"  # no torch
    build = lines[2]
    assert build.startswith("| index build")
    assert "| — |" in build


def test_the_wrapper_reports_the_child_peak_and_its_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "peak.txt"
    child = "import sys; block = bytearray(60_000_000); sys.exit(3)"
    command = [sys.executable, "-S", str(retrieval_process.WRAPPER), str(out)]
    done = subprocess.run([*command, sys.executable, "-c", child], check=False)
    assert done.returncode == 3
    assert int(out.read_text()) > 60_000  # KiB


def test_unknown_backends_are_refused() -> None:
    with pytest.raises(SystemExit):
        retrieval_bench.main(["10", "--backends", "onnx,tensorflow"])
