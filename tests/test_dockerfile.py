"""The Docker build: torch only in the export stage, the runtime image runs on the export."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stages() -> list[str]:
    """The Dockerfile's stages, each from its FROM line on, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    found: list[list[str]] = []
    for line in lines:
        if line.startswith("FROM "):
            found.append([])
        if found and line:
            found[-1].append(line)
    return ["\n".join(stage) for stage in found]


def test_the_runtime_image_has_no_torch_and_carries_the_exported_model() -> None:
    """Export stage: torch's CPU build and `kb export-model`; runtime: the base install (no
    torch extras), the exported models copied in, and the bot pointed at them."""
    export, runtime = stages()
    assert export.startswith("FROM python:3.11-slim AS export")
    assert "download.pytorch.org/whl/cpu" in export
    assert "python -m bot kb export-model --cache /models" in export
    assert "torch" not in runtime
    assert "[export]" not in runtime
    assert "COPY --from=export /models /app/models" in runtime
    assert "ENTRAIDE_RETRIEVAL__MODEL_CACHE=/app/models" in runtime


def test_the_runtime_image_can_back_up_a_postgresql_store() -> None:
    """`backup` on PostgreSQL calls pg_dump: the runtime image installs Debian's client
    (and cleans the package lists), the export stage doesn't need it."""
    export, runtime = stages()
    assert "apt-get install -y --no-install-recommends postgresql-client" in runtime
    assert "rm -rf /var/lib/apt/lists/*" in runtime
    assert "postgresql-client" not in export
