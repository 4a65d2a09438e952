"""Process-level figures for the retrieval benchmark: a real `python -m bot run` start-up."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
MARKER = "📚"


async def bot_until_suggestion(
    kb_dir: Path,
    db_path: Path,
    question: str,
    workdir: Path,
    limit_s: float = 300.0,
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the console bot on a one-line script; seconds until the 📚 suggestion line."""
    script = workdir / "probe.txt"
    script.write_text(f"alice: {question}\n", encoding="utf-8")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR": str(kb_dir),
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "bot", "run", "--console", "--db", str(db_path)]
    command += ["--script", str(script)]
    errors = workdir / "probe-stderr.txt"
    started = time.perf_counter()
    with errors.open("wb") as stderr:
        proc = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env, cwd=PROJECT
        )
        assert proc.stdout is not None
        first_output = suggestion = None
        peak = 0
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
                    peak = max(peak, _peak_rss_kib(proc.pid))
                code = await proc.wait()
        except TimeoutError:
            proc.kill()
            code = await proc.wait()
    total = time.perf_counter() - started
    return {
        "seconds_to_first_output": _round(first_output),
        "seconds_to_suggestion": _round(suggestion),
        "seconds_to_exit": round(total, 3),
        "exit_code": code,
        "suggested": suggestion is not None,
        "peak_rss_kib": peak,
        "stdout": lines,
        "stderr_tail": errors.read_text(encoding="utf-8", errors="replace")[-2000:],
    }


async def import_seconds() -> float:
    """Wall time of a fresh interpreter that only imports the bot's retrieval stack."""
    code = "import sentence_transformers, bm25s, bot.retrieval.service"
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


def _peak_rss_kib(pid: int) -> int:
    """VmHWM of a running process (KiB); 0 once it is gone.

    Not RUSAGE_CHILDREN: after vfork/exec a child's ru_maxrss starts at the parent's peak.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else 0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
