"""`python -m bot insights`, run as a subprocess on a database a console script built."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests import queries as q
from tests.cli.test_main import run_bot
from tests.fakes.console import console_community

# Started 5 January 2026 09:00 UTC: 22:00 in Auckland (UTC+13), where the community lives.
# Q1 and Q2 are asked on the 5th there; Q3, two hours later, on the 6th (still the 5th in UTC).
SCRIPT = [
    "admin /entraide config set timezone Pacific/Auckland",
    "admin /entraide config set escalate_when unsolved",  # Q2, answered, still goes to staff
    "alice: How do I export my data as CSV?",
    "wait 4m",
    "bob reply Q1: Settings › Export › CSV.",
    "alice react ^bob ✅",
    "alice /accept ^bob",
    "carol: Why is the dashboard slow today?",
    "wait 10m",
    "bob reply Q2: It is fine again now.",
    "wait 2h",
    "dave: Is there a dark mode?",
]


async def build(path: Path) -> None:
    """Play the script on a fresh database file; the bot stops (and checkpoints) after it."""
    async with console_community(path) as driver:
        await driver.feed(*SCRIPT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database, built once for the module; tests that change it copy it first."""
    path = tmp_path_factory.mktemp("insights") / "entraide.db"
    with pytest.MonkeyPatch.context() as env:  # a file, even in the PostgreSQL pass
        env.setenv("TEST_DATABASE_BACKEND", "sqlite")
        asyncio.run(build(path))
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    """A copy of the built database for one test."""
    copy = tmp_path / "entraide.db"
    shutil.copyfile(built, copy)
    return copy


def insights(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot insights --db DB ARGS`."""
    return run_bot("insights", "--db", str(db), *args)


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 2, one line on stderr that says what is wrong, nothing on stdout."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("entraide: ")
    for word in words:
        assert word in lines[0]
    assert result.stdout == ""


def test_html_report_of_the_community(db: Path, tmp_path: Path) -> None:
    """--html writes a self-contained page with the figures and the chart; the db is untouched."""
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "report.html"
    result = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert "<h1>Community health: Console community</h1>" in page
    assert "Questions asked from Jan 5, 2026 to Jan 5, 2026 (Pacific/Auckland)" in page
    assert '<tr><td>Questions asked</td><td class="num">2</td>' in page
    assert '<tr><td>Response rate</td><td class="num">100% (2 of 2)</td>' in page
    assert '<tr><td>Solved by the community</td><td class="num">1 (50%)</td>' in page
    assert '<tr><td>Escalation rate</td><td class="num">50% (1 of 2)</td>' in page
    assert '<tr><td>Nudge effectiveness</td><td class="num">—</td>' in page
    assert "<td>bob</td>" in page
    assert re.search(r'<img src="data:image/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]{10000,}"', page)
    assert "http" not in page
    # Opened read-only: not migrated, not checkpointed, not written at all.
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_text_figures_follow_the_community_time_zone(db: Path) -> None:
    """Without --html the figures go to stdout; --to is included, days are Auckland's."""
    first_day = insights(db, "--from", "2026-01-05", "--to", "2026-01-05")
    assert first_day.returncode == 0, first_day.stderr
    lines = first_day.stdout.splitlines()
    assert lines[:2] == [
        "Community health: Console community",
        "Questions asked from Jan 5, 2026 to Jan 5, 2026 (Pacific/Auckland)",
    ]
    assert lines[2] == (
        "Changes against Jan 4, 2026 to Jan 4, 2026, the same number of days just before"
    )
    assert "Questions asked: 2 (▲ from 0)" in lines
    # Q1 solved by bob's accepted answer; Q2 answered by bob, nothing marked.
    assert "Solved by the community: 1 (50%) (▲ from 0)" in lines
    assert "Answered, none helpful: 1 (50%) (▲ from 0)" in lines
    assert "Unanswered: 0 (0%) (= as before)" in lines
    assert "  #help: Asked 2, Response rate 100% (2 of 2), First response (median) 7 min," in (
        "\n".join(lines)
    )
    assert "  bob: Answers 2, Helpful answers 1, Points earned helping 25" in lines
    assert lines[-4:] == [
        "Superfans:",
        "  bob: Answers 2, Helpful answers 1, Points 25",
        "Influencers:",
        "  No one in this period.",
    ]
    two_days = insights(db, "--from", "2026-01-05", "--to", "2026-01-06")
    assert "Questions asked: 3 (▲ from 0)" in two_days.stdout.splitlines()
    # Dave's Q3 (6 Jan, Auckland) is still unanswered, 2 h after Q2 was answered.
    assert "Oldest unanswered questions:" in two_days.stdout.splitlines()
    assert any(
        line.startswith("  Q3: Channel #help, Waiting ") for line in two_days.stdout.splitlines()
    )
    french = insights(db, "--from", "2026-01-07", "--to", "2026-01-31", "--lang", "fr")
    assert "Questions posées : 0 (▼ contre 3)" in french.stdout.splitlines()
    assert "Taux de réponse : — (avant : 67\u202f%)" in french.stdout.splitlines()
    assert "Superfans :" in french.stdout.splitlines()


def test_several_communities_are_listed(db: Path) -> None:
    """With two communities the command lists them and exits 2; --community picks one."""
    q.add_community_to_file(db, "slack", "T0ACME", "Acme", "2026-01-01T00:00:00+00:00")
    result = insights(db, "--from", "2026-01-05", "--to", "2026-01-05")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "entraide: several communities; pick one with --community ID:"
    assert [line.split() for line in lines[1:]] == [
        ["1", "console", "local", "Console", "community"],
        ["2", "slack", "T0ACME", "Acme"],
    ]
    for wanted, asked in (("1", "2"), ("slack:T0ACME", "0"), ("T0ACME", "0")):
        chosen = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--community", wanted)
        assert chosen.returncode == 0, chosen.stderr
        assert any(
            line.startswith(f"Questions asked: {asked} (") for line in chosen.stdout.splitlines()
        )
    unknown = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--community", "9")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("entraide: no single community '9'; pick one")


def test_missing_database(tmp_path: Path) -> None:
    """A database path that doesn't exist is refused, and not created."""
    missing = tmp_path / "nope.db"
    assert_refused(
        insights(missing, "--from", "2026-01-05", "--to", "2026-01-05"), "no database", "nope.db"
    )
    assert not missing.exists()


def test_not_a_database(tmp_path: Path) -> None:
    """A file that isn't an Entraide database is one line, not a traceback."""
    text = tmp_path / "notes.db"
    text.write_text("hello\n" * 100, encoding="utf-8")
    assert_refused(insights(text, "--from", "2026-01-05", "--to", "2026-01-05"), "notes.db")
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    empty.touch()
    assert_refused(
        insights(empty, "--from", "2026-01-05", "--to", "2026-01-05"), "not an Entraide database"
    )


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        ("2026-01-06", "2026-01-05", ("--from 2026-01-06 is after --to 2026-01-05",)),
        ("2026-13-01", "2026-12-31", ("--from", "'2026-13-01'", "YYYY-MM-DD")),
        ("2026-01-05", "5/1/2026", ("--to", "'5/1/2026'", "YYYY-MM-DD")),
        ("20260105", "2026-01-05", ("--from", "'20260105'")),
    ],
)
def test_bad_dates(db: Path, first: str, last: str, words: tuple[str, ...]) -> None:
    """Dates must be YYYY-MM-DD, and --from no later than --to."""
    assert_refused(insights(db, "--from", first, "--to", last), *words)


def test_unwritable_report_path(db: Path, tmp_path: Path) -> None:
    """A report path in a missing folder, or a folder itself, is refused before any work."""
    for target in (tmp_path / "missing" / "report.html", tmp_path):
        result = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--html", str(target))
        assert_refused(result, "cannot write the report to", str(target))
    assert not (tmp_path / "missing").exists()


def test_csv_writes_the_figures_and_the_questions(db: Path, tmp_path: Path) -> None:
    """--csv OUT: OUT has one row a figure (value and previous value), its sibling
    OUT-questions.csv one row a question; the database is untouched."""
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "week.csv"
    result = insights(db, "--from", "2026-01-05", "--to", "2026-01-06", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    sibling = tmp_path / "week-questions.csv"
    assert result.stdout == f"wrote {out}\nwrote {sibling}\n"
    with out.open(newline="", encoding="utf-8") as f:
        figures = list(csv.reader(f))
    assert figures[0] == ["figure", "value", "previous"]
    by_name = {name: (value, previous) for name, value, previous in figures[1:]}
    assert by_name["asked"] == ("3", "0")
    assert by_name["answered"] == ("2", "0")
    assert by_name["response_rate"] == ("0.6667", "")  # nothing asked before: no rate
    assert by_name["outcome_community"] == ("1", "0")
    assert by_name["outcome_unhelped"] == ("1", "0")
    assert by_name["outcome_unanswered"] == ("1", "0")
    with sibling.open(newline="", encoding="utf-8") as f:
        questions = list(csv.DictReader(f))
    assert [(row["question"], row["channel"], row["outcome"]) for row in questions] == [
        ("Q1", "help", "community"),
        ("Q2", "help", "unhelped"),
        ("Q3", "help", "unanswered"),
    ]
    assert questions[0]["asked_at"] == "2026-01-05T09:00:00+00:00"
    assert questions[0]["first_response_s"] == "240"  # bob, 4 minutes later
    assert questions[0]["first_helpful_s"] == "240"
    assert questions[0]["solution_s"] == "240"
    assert questions[1]["first_response_s"] == "600"
    assert questions[2]["first_response_at"] == ""
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_unwritable_csv_path(db: Path, tmp_path: Path) -> None:
    """A CSV path in a missing folder, or a folder, is refused before any work, and says why."""
    missing = tmp_path / "missing" / "week.csv"
    result = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--csv", str(missing))
    assert_refused(result, "cannot write the CSV to", str(missing), "no folder")
    result = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--csv", str(tmp_path))
    assert_refused(result, "cannot write the CSV to", str(tmp_path), "it is a folder")
    # The questions' sibling is checked too: a folder in its way refuses before writing OUT.
    (tmp_path / "week-questions.csv").mkdir()
    out = tmp_path / "week.csv"
    result = insights(db, "--from", "2026-01-05", "--to", "2026-01-05", "--csv", str(out))
    assert_refused(result, "week-questions.csv", "it is a folder")
    assert not out.exists()
