"""The command line, run as a real subprocess: python -m bot run | demo | backup."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests import queries as q

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = "alice: hello there\n"


def run_bot(
    *args: str, input: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` from the repository root with a clean environment."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    env["HF_HUB_OFFLINE"] = "1"
    # Lexical-only keeps these subprocess tests quick; the demo test turns the model back on.
    env["ENTRAIDE_RETRIEVAL__DENSE"] = "false"
    env.update(extra_env or {})
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,  # a safety net: the demo takes ~35 s, minutes on a loaded machine
    )


def write(path: Path, text: str) -> Path:
    """Write a text file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def after(lines: list[str], prefix: str) -> str:
    """The line following the first one that starts with `prefix`."""
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    return lines[index + 1]


def assert_hello_played(stdout: str, number: int = 1) -> None:
    """The member's post is printed and the bot opens question Q<number> right after it."""
    lines = stdout.splitlines()
    assert "M1 [#help] alice: hello there" in lines
    bot_line = after(lines, "M1 [#help] alice: hello there")
    assert f"Question Q{number} is open" in bot_line
    assert bot_line.startswith(f"M2 [#help › Q{number}] entraide:")


def test_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    """A wrong-typed key stops the bot with exit code 2 and one line naming file and key."""
    config = write(tmp_path / "bad.toml", '[storage]\nbusy_timeout_ms = "x"\n')
    script = write(tmp_path / "s.txt", SCRIPT)
    db = tmp_path / "x.db"
    result = run_bot(
        "--config", str(config), "run", "--console", "--script", str(script), "--db", str(db)
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    stderr_lines = result.stderr.strip().splitlines()
    assert len(stderr_lines) == 1
    assert "bad.toml" in stderr_lines[0]
    assert "storage.busy_timeout_ms" in stderr_lines[0]
    assert result.stdout == ""
    assert not db.exists()


@pytest.mark.slow
def test_demo_plays_the_example_script(tmp_path: Path) -> None:
    """`demo` runs the whole example conversation, with the real model, and exits 0."""
    files = tmp_path / "files"
    result = run_bot("demo", "--files", str(files), extra_env={"ENTRAIDE_RETRIEVAL__DENSE": "true"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "M1 [#help] alice: How do I earn reputation points?" in lines
    assert "M3 [#help › Q1] entraide: 📚 These articles may answer Q1:" in lines
    assert "    1. **How do reputation points work?**" in result.stdout
    assert "✅ Q1 is solved by the article “How do reputation points work?”." in result.stdout
    # The dark-mode question is not in the knowledge base: only the intro follows it.
    dark = lines.index("M5 [#help] dave: Is there a dark mode in the web app?")
    assert lines[dark + 1].startswith("M6 [#help › Q2] entraide: Question Q2 is open.")
    assert lines[dark + 2] == "· 5m later"
    assert result.stdout.count("\n! line") == 1  # Q99; the bad config key is refused by the bot
    out = result.stdout
    assert "Points can't come from your own message, so this one gives none." in out
    assert "🎉 @bob is now **Helper**!" in out
    assert "entraide: 👋 @bob: Q4 has had no answer for 15 min" in out
    assert "🙋 @bob is on Q4." in out
    assert "[#staff] entraide: 🛎️ Q5 has no answer after 30 min." in out
    assert "✅ Q5 is solved by staff (@erin)." in out
    assert "[#staff] entraide: 🛎️ Q6 touches a sensitive topic" in out
    assert "is now in the knowledge base (76 articles)." in out
    assert "[#general] entraide: 🏆 Top helpers from" in out
    # Answered, Q10 didn't go to staff at 30 minutes; the asker's Still need help sent it,
    # and accepting erin's answer closed the escalation: its card is edited, buttons gone.
    assert "· alice pressed [Still need help] on" in out
    assert "[#staff] entraide: 🛎️ @alice asked for staff on Q10 after 10 min." in out
    card = next(line.split()[0] for line in lines if "asked for staff on Q10" in line)
    edit = lines.index(f"· entraide edited {card}")
    edited = lines[edit + 1 : edit + 6]
    assert any("✅ Closed: Q10 was solved" in line for line in edited)
    assert not any("[Claim]" in line for line in edited)
    # The helpers' to-do list: the questions nobody answered yet, linked by their reference.
    queue = lines[lines.index("· bob ran /questions unanswered") + 1 :][:4]
    assert queue[0].endswith("📋 3 unanswered questions, oldest first (page 1 of 1):")
    assert [line.split()[1] for line in queue[1:]] == ["Q6", "Q8", "Q9"]
    assert "[#staff] entraide: 📊 Community health" in out  # the demo ends with /insights
    assert lines[-1].startswith(f"    📎 saved: {files.resolve()}{os.sep}insights-")
    assert {p.suffix for p in files.iterdir()} == {".html", ".png"}
    last = lines[lines.index("· erin ran /insights week") :]
    # The demo's own week, not an empty one (and the week before it had nothing).
    assert "    • Questions asked: 11 (▲ from 0)" in last
    assert "    • Solved by an earlier thread: 1 (9.1%) (▲ from 0)" in last
    # Asked before: frank's dark-mode question gets Q2's thread and bob's answer, and solves it.
    offer = next(line for line in lines if "Asked before: Q2 —" in line)
    assert "the answer by @bob (✅ 1): Yes: Settings › Appearance › Dark." in offer
    assert "✅ Q11 is solved by the answer @bob gave on Q2." in out
    assert "Traceback" not in result.stderr


def test_script_file_plays_on_a_fresh_database(tmp_path: Path) -> None:
    """`run --console --script` on a new db path prints the transcript and exits 0."""
    script = write(tmp_path / "s.txt", SCRIPT)
    db = tmp_path / "new" / "x.db"
    result = run_bot("run", "--console", "--script", str(script), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert_hello_played(result.stdout)
    assert db.is_file()


def test_script_on_stdin_plays_the_same(tmp_path: Path) -> None:
    """The same lines piped on stdin give the same transcript."""
    db = tmp_path / "x.db"
    result = run_bot("run", "--console", "--db", str(db), input=SCRIPT)
    assert result.returncode == 0, result.stderr
    assert_hello_played(result.stdout)


def test_question_numbers_persist_across_runs(tmp_path: Path) -> None:
    """A second run on the same database opens Q2, not Q1 again."""
    script = write(tmp_path / "s.txt", SCRIPT)
    db = tmp_path / "x.db"
    first = run_bot("run", "--console", "--script", str(script), "--db", str(db))
    second = run_bot("run", "--console", "--script", str(script), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert_hello_played(first.stdout, number=1)
    assert_hello_played(second.stdout, number=2)


def test_unknown_action_reports_line_and_continues(tmp_path: Path) -> None:
    """A line the console can't read prints '! line N:' and the rest still plays."""
    script = write(
        tmp_path / "s.txt",
        "# a comment\nthis is not an action\nalice: hello there\n",
    )
    result = run_bot("run", "--console", "--script", str(script), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 0, result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("! ")]
    assert len(errors) == 1
    assert errors[0].startswith("! line 2: ")
    assert_hello_played(result.stdout)


def test_backup_copies_questions(tmp_path: Path) -> None:
    """`backup TARGET --db DB` writes a copy that sqlite3 reads with the question in it."""
    script = write(tmp_path / "s.txt", SCRIPT)
    db = tmp_path / "x.db"
    played = run_bot("run", "--console", "--script", str(script), "--db", str(db))
    assert played.returncode == 0, played.stderr
    target = tmp_path / "backups" / "copy.db"
    result = run_bot("backup", str(target), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stdout
    rows = q.file_questions(target)
    conn = sqlite3.connect(target)
    try:
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
    finally:
        conn.close()
    assert rows == [(1, "hello there", "open")]
    assert check == "ok"


def test_backup_of_missing_database_fails_cleanly(tmp_path: Path) -> None:
    """Backing up a database that doesn't exist exits non-zero with a message, no traceback."""
    result = run_bot("backup", str(tmp_path / "copy.db"), "--db", str(tmp_path / "none.db"))
    assert result.returncode != 0
    assert "backup failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "copy.db").exists()


def test_missing_script_exits_2_with_clear_message(tmp_path: Path) -> None:
    """A script path that doesn't exist is named in one error line, exit code 2."""
    missing = tmp_path / "nope.txt"
    db = tmp_path / "x.db"
    result = run_bot("run", "--console", "--script", str(missing), "--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot read script" in result.stderr
    assert str(missing) in result.stderr
    assert not db.exists()
