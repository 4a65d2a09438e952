# Entraide in a container: python -m bot run serves every platform whose token is set
# (ENTRAIDE_DISCORD_TOKEN, ENTRAIDE_SLACK_BOT_TOKEN: both in one process), else the console;
# `docker stop` sends SIGTERM, which closes the connections cleanly.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The constraints file pins torch to the version the test suite runs with.
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY config ./config
COPY examples ./examples
COPY knowledge ./knowledge
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 entraide \
    && mkdir -p /app/data && chown entraide /app/data

USER entraide
VOLUME ["/app/data"]
# Slack in HTTP mode (ENTRAIDE_SLACK_SIGNING_SECRET, no app token) listens here:
# POST /slack/events, GET /healthz. Socket Mode and Discord need no inbound port.
EXPOSE 3000
# Tokens come from the environment: ENTRAIDE_DISCORD_TOKEN, ENTRAIDE_SLACK_BOT_TOKEN, …
CMD ["python", "-m", "bot", "run"]
