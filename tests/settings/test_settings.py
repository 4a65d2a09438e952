"""Settings: defaults, file and environment overrides, and one-line errors for operators."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def write(tmp_path: Path, text: str, name: str = "entraide.toml") -> Path:
    """Write a user settings file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(config: Path | None = None, environ: dict[str, str] | None = None) -> str:
    """The SettingsError message load_settings raises; it must be exactly one line."""
    with pytest.raises(SettingsError) as caught:
        load_settings(config, environ={} if environ is None else environ)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults_load() -> None:
    """With no file and an empty environment the shipped defaults apply."""
    settings = load_settings(environ={})
    assert settings.community.language == "en"
    assert settings.community.help_channels == ["help"]
    assert settings.console.members == ["alice", "bob", "carol", "dave"]
    assert settings.console.staff == ["erin"]
    assert settings.console.admins == ["admin"]
    assert settings.storage.busy_timeout_ms == 5000
    assert settings.discord_token is None


def test_user_file_overrides_one_key_and_keeps_the_rest(tmp_path: Path) -> None:
    """A file setting one key changes only that key."""
    path = write(tmp_path, '[community]\nstaff_channel = "mods"\n')
    settings = load_settings(path, environ={})
    assert settings.community.staff_channel == "mods"
    assert settings.community.language == "en"
    assert settings.community.help_channels == ["help"]
    assert settings.console.members == ["alice", "bob", "carol", "dave"]


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    """ENTRAIDE_SECTION__KEY beats the file, and the file's other keys stay."""
    path = write(tmp_path, '[community]\nlanguage = "en"\nstaff_channel = "mods"\n')
    settings = load_settings(path, environ={"ENTRAIDE_COMMUNITY__LANGUAGE": "fr"})
    assert settings.community.language == "fr"
    assert settings.community.staff_channel == "mods"


def test_entraide_config_variable_picks_the_file(tmp_path: Path) -> None:
    """ENTRAIDE_CONFIG names the user file when no path is passed."""
    path = write(tmp_path, '[console]\nmembers = ["zoe"]\n')
    settings = load_settings(environ={"ENTRAIDE_CONFIG": str(path)})
    assert settings.console.members == ["zoe"]
    assert settings.console.staff == ["erin"]


def test_secret_comes_from_environment() -> None:
    """A token in the environment is loaded and never shown in clear."""
    settings = load_settings(environ={"ENTRAIDE_DISCORD_TOKEN": "s3cret"})
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


def test_wrong_type_names_file_and_key(tmp_path: Path) -> None:
    """A string where a number belongs is reported with the file and the dotted key."""
    path = write(tmp_path, '[storage]\nbusy_timeout_ms = "x"\n')
    message = error_of(path)
    assert message.startswith(f"{path}: storage.busy_timeout_ms:")
    assert "'x'" in message


def test_wrong_type_in_environment_names_environment() -> None:
    """A bad value from an environment variable blames the environment, not a file."""
    message = error_of(environ={"ENTRAIDE_STORAGE__BUSY_TIMEOUT_MS": "x"})
    assert message.startswith("environment: storage.busy_timeout_ms:")


def test_invalid_choice_names_file_and_key(tmp_path: Path) -> None:
    """A language the bot doesn't speak is refused with the key."""
    path = write(tmp_path, '[community]\nlanguage = "de"\n')
    message = error_of(path)
    assert message.startswith(f"{path}: community.language:")
    assert "'de'" in message


def test_unknown_key_names_file_key_and_valid_keys(tmp_path: Path) -> None:
    """A misspelt key is an error listing the keys valid in that table."""
    path = write(tmp_path, '[community]\nlangauge = "fr"\n')
    message = error_of(path)
    assert message.startswith(f"{path}: community.langauge: unknown key")
    for valid in ("language", "help_channels", "staff_channel", "thread_intro"):
        assert valid in message


def test_unknown_top_level_key_names_file(tmp_path: Path) -> None:
    """An unknown top-level key is reported too, with the top-level keys."""
    path = write(tmp_path, "colour = 1\n")
    message = error_of(path)
    assert message.startswith(f"{path}: colour: unknown key")
    assert "storage" in message
    assert "community" in message


def test_unknown_environment_variable_is_an_error() -> None:
    """A mistyped ENTRAIDE_ variable is refused, naming it and the environment."""
    message = error_of(environ={"ENTRAIDE_COLOUR": "blue"})
    assert message.startswith("environment: ENTRAIDE_COLOUR:")
    assert "ENTRAIDE_COMMUNITY" in message


def test_unknown_nested_environment_key_is_an_error() -> None:
    """ENTRAIDE_COMMUNITY__LANGAUGE names the environment and the dotted key."""
    message = error_of(environ={"ENTRAIDE_COMMUNITY__LANGAUGE": "fr"})
    assert message.startswith("environment: community.langauge: unknown key")
    assert "language" in message


def test_unrelated_environment_variables_are_ignored() -> None:
    """Variables without the ENTRAIDE_ prefix don't matter."""
    settings = load_settings(environ={"HOME": "/root", "LANGUAGE": "de"})
    assert settings.community.language == "en"


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    """A syntax error points at the file and the line."""
    path = write(tmp_path, '[community]\nlanguage = fr\nstaff_channel = "mods"\n')
    message = error_of(path)
    assert message.startswith(f"{path}: not valid TOML")
    assert "line 2" in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A config path that doesn't exist is reported with that path."""
    path = tmp_path / "nowhere.toml"
    message = error_of(path)
    assert message.startswith(f"{path}:")
    assert "cannot read" in message


def test_missing_file_from_entraide_config_is_named(tmp_path: Path) -> None:
    """ENTRAIDE_CONFIG pointing nowhere is reported with that path."""
    path = tmp_path / "nowhere.toml"
    message = error_of(environ={"ENTRAIDE_CONFIG": str(path)})
    assert message.startswith(f"{path}:")


def test_token_in_file_is_refused(tmp_path: Path) -> None:
    """Secrets in a config file are refused, pointing at the environment variable."""
    path = write(tmp_path, 'discord_token = "x"\n')
    message = error_of(path)
    assert message.startswith(f"{path}: discord_token:")
    assert "environment" in message
    assert "ENTRAIDE_DISCORD_TOKEN" in message


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ENTRAIDE_DISCORD_API_URL", "ftp://example.com/api/v10", "https:// or http://"),
        ("ENTRAIDE_DISCORD_API_URL", "https://example.com/api", "ending in /api/v10"),
        ("ENTRAIDE_DISCORD_GATEWAY_URL", "https://gateway.example", "wss:// or ws://"),
        ("ENTRAIDE_DISCORD_SHARDS", "-1", '"auto"'),
        ("ENTRAIDE_DISCORD_SHARDS", "many", '"auto"'),
        ("ENTRAIDE_SLACK_API_URL", "ftp://slack.example/api/", "https:// or http://"),
        ("ENTRAIDE_SLACK_PORT", "70000", "from 0 to 65535"),
        ("ENTRAIDE_SLACK_STAFF", '["erin"]', "expected Slack member ids"),
    ],
)
def test_bad_platform_settings_are_refused_in_one_line(
    name: str, value: str, expected: str
) -> None:
    """A bad URL, shard count, port or member id names the environment, the key and what
    is expected."""
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={name: value})
    message = str(caught.value)
    assert message.startswith(f"environment: {name.removeprefix('ENTRAIDE_').lower()}: ")
    assert expected in message
    assert "\n" not in message


def test_scheduler_tick_and_lease_come_from_the_environment_and_are_bounded() -> None:
    """[scheduler]: a tick a minute and 2-minute leases by default; a lease under 5 s is
    refused naming the key (a handler's send would outlive it and run twice)."""
    defaults = load_settings(environ={}).scheduler
    assert (defaults.tick_seconds, defaults.lease_seconds) == (60, 120)
    fast = load_settings(
        environ={"ENTRAIDE_SCHEDULER__TICK_SECONDS": "1", "ENTRAIDE_SCHEDULER__LEASE_SECONDS": "5"}
    ).scheduler
    assert (fast.tick_seconds, fast.lease_seconds) == (1, 5)
    message = error_of(environ={"ENTRAIDE_SCHEDULER__LEASE_SECONDS": "1"})
    assert message.startswith("environment: scheduler.lease_seconds:")
    assert error_of(environ={"ENTRAIDE_SCHEDULER__TICK_SECONDS": "0"}).startswith(
        "environment: scheduler.tick_seconds:"
    )
