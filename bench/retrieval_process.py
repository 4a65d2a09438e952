"""Process-level figures for the retrieval benchmark: a real `python -m bot run` start-up,
its time to the first suggestion and its peak RSS."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
MARKER = "📚"
WRAPPER = Path(__file__).resolve().parent / "peak_rss.py"
# What a fresh interpreter of each backend imports before it can embed a question.
IMPORTS = {
    "onnx": "import onnxruntime, tokenizers, bm25s, bot.retrieval.service",
    "torch": "import sentence_transformers, bm25s, bot.retrieval.service",
}


async def bot_until_suggestion(
    kb_dir: Path,
    db_path: Path,
    question: str,
    workdir: Path,
    limit_s: float = 300.0,
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the console bot on a one-line script: seconds until the 📚 suggestion line, and the
    bot process's peak RSS (through a small wrapper that waits for it: `peak_rss_kib`)."""
    script = workdir / "probe.txt"
    script.write_text(f"alice: {question}\n", encoding="utf-8")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR": str(kb_dir),
        **(extra_env or {}),
    }
    peak_file = workdir / "probe-peak-rss.txt"
    peak_file.unlink(missing_ok=True)
    # -S: the wrapper needs only the standard library, so it adds little to the start-up.
    command = [sys.executable, "-S", str(WRAPPER), str(peak_file)]
    command += [sys.executable, "-m", "bot", "run", "--console", "--db", str(db_path)]
    command += ["--script", str(script)]
    errors = workdir / "probe-stderr.txt"
    started = time.perf_counter()
    with errors.open("wb") as stderr:
        proc = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=PROJECT,
            start_new_session=True,  # its own group: a timeout kills the bot, not only the wrapper
        )
        assert proc.stdout is not None
        first_output = suggestion = None
        lines: list[str] = []
        try:
            async with asyncio.timeout(limit_s):
                while raw := await proc.stdout.readline():
                    now = time.perf_counter() - started
                    line = raw.decode("utf-8", "replace").rstrip("\n")
                    lines.append(line)
                    first_output = first_output if first_output is not None else now
                    if suggestion is None and MARKER in line:
                        suggestion = now
                code = await proc.wait()
        except TimeoutError:
            os.killpg(proc.pid, signal.SIGKILL)
            code = await proc.wait()
    total = time.perf_counter() - started
    return {
        "seconds_to_first_output": _round(first_output),
        "seconds_to_suggestion": _round(suggestion),
        "seconds_to_exit": round(total, 3),
        "exit_code": code,
        "suggested": suggestion is not None,
        "peak_rss_kib": _read_kib(peak_file),
        "stdout": lines,
        "stderr_tail": errors.read_text(encoding="utf-8", errors="replace")[-2000:],
    }


async def import_seconds(backend: str = "torch") -> float:
    """Wall time of a fresh interpreter that only imports the bot's retrieval stack."""
    code = IMPORTS[backend]
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        cwd=PROJECT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await proc.wait()
    return round(time.perf_counter() - started, 3)


def _read_kib(path: Path) -> int:
    """The wrapper's figure; 0 when the process was killed before it could write it."""
    try:
        return int(path.read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
