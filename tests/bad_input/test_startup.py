"""Start-up errors are one line on stderr and exit 2, never a traceback (issue 15 points 1
and 6): a --db that can't be a database, blank platform secrets, nothing to run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from bot.cli.main import main
from bot.runtime.serve import with_tokens
from bot.settings import load_settings
from bot.storage.db import Database
from bot.storage.probe import DatabaseUnusable
from tests.cli.test_main import ROOT, run_bot


def a_folder(tmp_path: Path) -> Path:
    """A --db naming a folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def not_sqlite(tmp_path: Path) -> Path:
    """A --db naming a text file."""
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database. " * 20, encoding="utf-8")
    return path


def under_a_file(tmp_path: Path) -> Path:
    """A --db whose folder can't exist: a file is in the way."""
    (tmp_path / "data").write_text("a file, not a folder", encoding="utf-8")
    return tmp_path / "data" / "entraide.db"


BAD_DBS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "folder": (a_folder, "it is a folder"),
    "not sqlite": (not_sqlite, "not an SQLite database"),
    "unwritable": (under_a_file, "is not a folder"),
}
COMMANDS = {
    "console": ["run", "--console"],
    "script": ["run", "--script", str(ROOT / "examples" / "demo.txt")],
    "discord": ["run", "--adapter", "discord"],
    "slack": ["run", "--adapter", "slack"],
    "kb search": ["kb", "search", "how do I export"],
    "kb index": ["kb", "index"],
    "insights": ["insights", "--from", "2026-01-01", "--to", "2026-01-31"],
}
# Tokens that are never used: the database check comes before any connection.
TOKENS = {
    "ENTRAIDE_DISCORD_TOKEN": "never-used",
    "ENTRAIDE_SLACK_BOT_TOKEN": "xoxb-never-used",
    "ENTRAIDE_SLACK_SIGNING_SECRET": "never-used",
    "ENTRAIDE_DISCORD_API_URL": "http://127.0.0.1:9/api/v10",  # nothing listens on port 9
    "ENTRAIDE_SLACK_API_URL": "http://127.0.0.1:9/api/",
}


@pytest.mark.parametrize("kind", BAD_DBS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_db_is_one_line_naming_it_and_exit_2(
    command: str,
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every command that opens the database refuses a folder, a text file and a path under a
    file with exit 2 and one stderr line that names the path and says why."""
    make, why = BAD_DBS[kind]
    if command == "insights" and kind == "unwritable":
        why = "no database at"  # insights only reads: a file that can't exist isn't there
    db = make(tmp_path)
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    code = main([*COMMANDS[command], "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert str(db) in err
    assert why in err
    assert "Traceback" not in err


def test_a_bad_db_in_a_real_process_is_one_line(tmp_path: Path) -> None:
    """The same through `python -m bot`: exit 2, one line, no traceback, nothing printed."""
    db = not_sqlite(tmp_path)
    done = run_bot("run", "--console", "--db", str(db), input="alice: hello\n")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"entraide: cannot open the database {db}: it is not an SQLite database"
    ]
    assert done.stdout == ""
    assert db.read_text(encoding="utf-8").startswith("These are my notes")  # untouched


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_database_is_refused(tmp_path: Path) -> None:
    """A database the bot may read but not write: refused at start, not at the first post."""
    db = tmp_path / "entraide.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    db.chmod(0o444)
    done = run_bot("run", "--console", "--db", str(db), input="alice: hello\n")
    assert done.returncode == 2, done.stderr
    assert "read-only" in done.stderr
    assert str(db) in done.stderr


async def test_the_database_refuses_a_folder_with_the_same_words(tmp_path: Path) -> None:
    """Opened without the start-up check (a caller of its own), the error is the same."""
    db = Database(a_folder(tmp_path))
    with pytest.raises(DatabaseUnusable, match="it is a folder"):
        await db.open()


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_secrets_mean_no_secret(blank: str) -> None:
    """`ENTRAIDE_DISCORD_TOKEN=` (as compose files leave it) is no token: no platform is
    chosen, rather than a refused token retried forever."""
    names = (
        "DISCORD_TOKEN",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
    )
    settings = load_settings(environ={f"ENTRAIDE_{name}": blank for name in names})
    assert settings.discord_token is None
    assert settings.slack_bot_token is None
    assert settings.slack_app_token is None
    assert settings.slack_signing_secret is None
    assert with_tokens(settings) == []


def test_a_token_keeps_its_characters_without_the_surrounding_spaces() -> None:
    """A pasted token with a trailing newline still works."""
    settings = load_settings(environ={"ENTRAIDE_DISCORD_TOKEN": " abc.def \n"})
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def"


def run_without_terminal(
    tmp_path: Path, stdin: int | IO[bytes], **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot run` with `stdin` (no terminal), no token unless given."""
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    clean |= {"HF_HUB_OFFLINE": "1", "ENTRAIDE_RETRIEVAL__DENSE": "false"}
    clean |= {"ENTRAIDE_STORAGE__DB_PATH": str(tmp_path / "entraide.db"), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=clean,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=300,  # a safety net for a loaded machine, not a timing goal
    )


@pytest.mark.parametrize("token", [None, "", "  "])
def test_no_token_and_no_terminal_exits_2_saying_what_to_set(
    tmp_path: Path, token: str | None
) -> None:
    """Docker's case: stdin is /dev/null, no token (or a blank one). One line naming both
    variables, exit 2, and no database created."""
    env = {} if token is None else {"ENTRAIDE_DISCORD_TOKEN": token}
    done = run_without_terminal(tmp_path, subprocess.DEVNULL, **env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "entraide: no platform token set, and no terminal for the console:"
        " set ENTRAIDE_DISCORD_TOKEN or ENTRAIDE_SLACK_BOT_TOKEN"
    ]
    assert not (tmp_path / "entraide.db").exists()


def test_an_empty_file_on_stdin_is_nothing_to_run_too(tmp_path: Path) -> None:
    """`python -m bot run < empty.txt`: the same line and exit 2."""
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with empty.open("rb") as stdin:
        done = run_without_terminal(tmp_path, stdin)
    assert done.returncode == 2, done.stderr
    assert "ENTRAIDE_DISCORD_TOKEN" in done.stderr


def test_a_script_piped_without_a_token_still_plays(tmp_path: Path) -> None:
    """Lines piped on stdin are a console script, as before."""
    done = run_bot(
        "run",
        input="alice: How do I export my data?\n",
        extra_env={"ENTRAIDE_STORAGE__DB_PATH": str(tmp_path / "entraide.db")},
    )
    assert done.returncode == 0, done.stderr
    assert "Q1" in done.stdout


def test_an_explicit_console_on_dev_null_plays_nothing_and_exits_0(tmp_path: Path) -> None:
    """`run --console` asked for the console: an empty input is an empty script, not an error."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--console", "--db", str(tmp_path / "e.db")],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("ENTRAIDE_")},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,  # a safety net for a loaded machine, not a timing goal
    )
    assert done.returncode == 0, done.stderr
