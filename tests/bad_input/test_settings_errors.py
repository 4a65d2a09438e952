"""Start-up with bad settings: one line naming the variable or file, why, an example; exit 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot.cli.main import main
from bot.locales import load_catalogue
from bot.settings import Settings, SettingsError, load_settings
from bot.settings.config_formats import CRON_FIELDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own ENTRAIDE_* variables must not change what these tests see."""
    for name in list(os.environ):
        if name.upper().startswith("ENTRAIDE_"):
            monkeypatch.delenv(name)


def start_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What `python -m bot ... run --console` says when it refuses to start (exit 2)."""
    assert main([*argv, "run", "--console"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def error_of(environ: dict[str, str], config: Path | None = None) -> str:
    """The one line load_settings refuses with."""
    with pytest.raises(SettingsError) as caught:
        load_settings(config, environ=environ)
    assert "\n" not in str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "example"),
    [
        ("ENTRAIDE_SLACK_STAFF", "not-json", '["U0123ABCD"]'),
        ("ENTRAIDE_COMMUNITY__HELP_CHANNELS", "help", '["help"]'),
        ("ENTRAIDE_CONSOLE__MEMBERS", "alice,bob", '["alice", "bob", "carol", "dave"]'),
        ("ENTRAIDE_COMMUNITY", "{language: fr}", '{"language": "en"}'),
    ],
)
def test_a_variable_that_is_not_json_is_named_with_an_example(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    example: str,
) -> None:
    """Not pydantic-settings' traceback: the variable, "expected a JSON …", an example."""
    monkeypatch.setenv(name, value)
    err = start_error(capsys)
    assert f"{name}: expected a JSON" in err
    assert f"e.g. '{example}'" in err


def test_a_config_file_with_bad_bytes_names_the_file_the_byte_and_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Invalid UTF-8 on line 2: the file, the byte offset and the line, exit 2."""
    path = tmp_path / "entraide.toml"
    path.write_bytes(b'[community]\nstaff_channel = "\xff\xfe"\n')
    err = start_error(capsys, "--config", str(path))
    assert str(path) in err
    assert "not UTF-8" in err
    assert "byte 29" in err
    assert "line 2" in err


@pytest.mark.parametrize("text", ["", "   \n\t\n"])
def test_an_empty_config_file_is_an_error_that_says_how_to_run_on_defaults(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    """Empty or blank: said so, with the two ways out (fill it, or stop naming it)."""
    path = tmp_path / "entraide.toml"
    path.write_text(text, encoding="utf-8")
    err = start_error(capsys, "--config", str(path))
    assert f"{path}: the config file is empty" in err
    assert "delete it" in err
    assert "--config" in err


def test_an_empty_entraide_config_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENTRAIDE_CONFIG= is a mistake (a lost path), not "no file"."""
    monkeypatch.setenv("ENTRAIDE_CONFIG", "")
    assert "ENTRAIDE_CONFIG is set but empty" in start_error(capsys)


def test_a_file_saved_with_a_bom_loads(tmp_path: Path) -> None:
    """Windows editors write a BOM before UTF-8 text: it is still the same settings."""
    path = tmp_path / "entraide.toml"
    path.write_bytes('\ufeff[community]\nstaff_channel = "modérateurs"\n'.encode())
    assert load_settings(path, environ={}).community.staff_channel == "modérateurs"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("TIMEZONE", "Paris", ['"Paris" is not an IANA time zone', "try Europe/Paris"]),
        ("TIMEZONE", "america/new york", ["try America/New_York"]),
        ("TIMEZONE", "Mars/Olympus", ["not an IANA time zone", "Europe/Paris"]),
        ("LEADERBOARD_CRON", "every monday", ["five fields", "2 fields", "0 9 * * mon"]),
        ("INSIGHTS_CRON", "0 25 * * mon", ["hour", '"25"', "0-23", "0 9 * * mon"]),
        ("LEADERBOARD_CRON", "0 9 * * someday", ["weekday", '"someday"', "mon-sun"]),
        ("RANKS", "Newcomer 0, Helper 50, Pro 40", ['"Pro 40" comes after "Helper 50"']),
        ("RANKS", "Helper 50", ["first rank must start at 0"]),
        ("RANKS", "Newcomer 0, Helper", ['"Helper" is not "Name points"', "Newcomer 0,"]),
        ("RANK_ROLES", "Nonexistent=@x", ['"Nonexistent" is not one of the ranks', "Helper"]),
        ("RANK_ROLES", "Helper", ['"Helper" is not Rank=role', "Helper=@helpers"]),
        ("SUGGEST_MAX", "9", ["whole number from 1 to 3", "e.g. 3"]),
        ("SUGGEST_MIN_SIMILARITY", "much", ["number from 0 to 1", "e.g. 0.6"]),
        ("LANGUAGE", "de", ["one of: en, fr"]),
        ("ESCALATE_WHEN", "never", ["one of: unanswered, unhelped, unsolved"]),
        ("THREAD_INTRO", "maybe", ["one of: true, false"]),
        ("HELPFUL_EMOJI", "yes please", ["one emoji", ":white_check_mark:"]),
    ],
)
def test_every_kind_of_bad_value_says_why_and_gives_an_example(
    variable: str, value: str, says: list[str]
) -> None:
    """Each community setting's error names the key, the reason and a value that fits."""
    message = error_of({f"ENTRAIDE_COMMUNITY__{variable}": value})
    assert message.startswith(f"environment: community.{variable.lower()}: ")
    for words in says:
        assert words in message


def test_the_same_reasons_apply_to_the_config_file(tmp_path: Path) -> None:
    """A bad time zone in the file names the file and suggests the zone."""
    path = tmp_path / "entraide.toml"
    path.write_text('[community]\ntimezone = "Paris"\n', encoding="utf-8")
    message = error_of({}, path)
    assert message.startswith(f"{path}: community.timezone:")
    assert "try Europe/Paris" in message


def test_the_process_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    """The real command line, as an operator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    env |= {"ENTRAIDE_COMMUNITY__HELP_CHANNELS": "help", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--console"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "ENTRAIDE_COMMUNITY__HELP_CHANNELS: expected a JSON list" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_every_reason_in_the_code_is_in_both_catalogues() -> None:
    """Reason("settings.…") keys aren't seen by the meta-test's scanner: a typo would show
    admins the raw key."""
    used = {f"settings.cron.{name}" for name in CRON_FIELDS}
    for path in (ROOT / "bot").rglob("*.py"):
        used |= set(re.findall(r'Reason\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 20
    for language in ("en", "fr"):
        assert sorted(used - set(load_catalogue(language))) == [], language


def _variables() -> list[str]:
    """Every ENTRAIDE_* variable a setting can be given by (sections and their keys)."""
    names = []
    for name, field in Settings.model_fields.items():
        names.append(f"ENTRAIDE_{name.upper()}")
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel):
            names += [f"ENTRAIDE_{name.upper()}__{key.upper()}" for key in section.model_fields]
    return names


JSONISH = ["[]", "{}", "null", "[1]", '{"a": 1}', "1e999", "NaN", "[[]]", '{"timezone": "Europe"}']


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_variables()), st.text(max_size=30) | st.sampled_from(JSONISH))
def test_any_value_of_any_variable_loads_or_is_one_line(name: str, value: str) -> None:
    """Whatever an operator puts in a variable (line breaks too): settings, or a one-line
    SettingsError, never another exception."""
    message = ""
    try:
        load_settings(environ={name: value})
    except SettingsError as refused:
        message = str(refused)
    assert message.splitlines() in ([], [message])
