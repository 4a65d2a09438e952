"""The console's files folder, its loading line and its prompt history (issue 15 point 4)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.adapters.console import loading
from bot.adapters.console.adapter import ConsoleAdapter, ConsoleOutput
from bot.adapters.console.files import safe_name
from bot.adapters.console.prompt import Prompt
from bot.core.clock import Clock
from bot.runtime.app import App
from tests.cli.test_main import run_bot
from tests.fakes.console import START, ConsoleDriver
from tests.fakes.settings import make_settings


def file_lines(out: list[str]) -> list[str]:
    """The 📎 lines under messages, without their indent."""
    return [line.strip() for line in out if line.strip().startswith("📎")]


async def test_a_privacy_export_is_saved_and_shown_with_its_path(
    console: ConsoleDriver, tmp_path: Path
) -> None:
    """Two exports: two files, the second under a name of its own; each line names the
    saved path and its size; the JSON is the member's data."""
    folder = tmp_path / "files"
    console.adapter.files_dir = folder
    out = await console.feed("alice: how do I export?", "alice /privacy export")
    out += await console.feed("alice /privacy export")
    shown = file_lines(out)
    first, second = folder / "entraide-data-alice.json", folder / "entraide-data-alice-2.json"
    assert shown[0].startswith(f"📎 saved: {first.resolve()} (")
    assert shown[1].startswith(f"📎 saved: {second.resolve()} (")
    assert shown[0].endswith(" KB)")
    assert json.loads(first.read_text(encoding="utf-8"))
    assert {p.name for p in folder.iterdir()} == {first.name, second.name}


async def test_an_existing_file_is_never_overwritten(
    console: ConsoleDriver, tmp_path: Path
) -> None:
    """A file already there with the same name keeps its bytes."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "entraide-data-bob.json").write_text("mine", encoding="utf-8")
    console.adapter.files_dir = folder
    out = await console.feed("bob: hi", "bob /privacy export")
    assert (folder / "entraide-data-bob.json").read_text(encoding="utf-8") == "mine"
    assert "entraide-data-bob-2.json" in file_lines(out)[0]


async def test_a_folder_that_cant_be_written_is_said_not_a_crash(
    console: ConsoleDriver, tmp_path: Path
) -> None:
    """A files "folder" that is a file: the line says the file wasn't saved, and why."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    console.adapter.files_dir = blocker
    out = await console.feed("carol /privacy export")
    [line] = file_lines(out)
    assert line.startswith("📎 entraide-data-carol.json (")
    assert "could not be saved" in line


async def test_without_a_files_folder_files_are_listed(console: ConsoleDriver) -> None:
    """In-process use without a folder (tests, embedding) still lists the file."""
    out = await console.feed("dave /privacy export")
    assert file_lines(out)[0].startswith("📎 entraide-data-dave.json (")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", ("passwd", "")),
        ("chart.png", ("chart", ".png")),
        ("a b/c:d?.json", ("c_d", ".json")),
        ("...", ("file", "")),
        (".hidden", ("hidden", "")),
    ],
)
def test_file_names_stay_inside_the_folder(name: str, safe: tuple[str, str]) -> None:
    """No folder parts, no odd characters, never empty."""
    assert safe_name(name) == safe


def test_files_option_saves_beside_the_database_by_default(tmp_path: Path) -> None:
    """`run --console --script` with no --files: files/ beside the database."""
    script = tmp_path / "s.txt"
    script.write_text("alice /privacy export\n", encoding="utf-8")
    db = tmp_path / "data" / "x.db"
    db.parent.mkdir()
    result = run_bot("run", "--console", "--script", str(script), "--db", str(db))
    assert result.returncode == 0, result.stderr
    saved = db.parent / "files" / "entraide-data-alice.json"
    assert f"📎 saved: {saved.resolve()} (" in result.stdout
    assert saved.exists()


async def test_loading_line_then_ready(tmp_path: Path) -> None:
    """On a terminal: the loading line, then Ready with the article count; the knowledge base
    is fully loaded when it returns."""
    settings = loading.bm25_first(make_settings(tmp_path))
    app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "e.db")
    adapter = ConsoleAdapter(app, ConsoleOutput())
    app.add_adapter(adapter)
    stream = io.StringIO()
    await loading.start_with_progress(adapter, stream)
    try:
        shown = stream.getvalue()
        assert "Loading the knowledge base…" in shown
        assert shown.rstrip().endswith("Ready: 0 articles in the knowledge base.")
        assert adapter.output.lines == []  # nothing in the transcript itself
    finally:
        await app.stop()


def test_no_loading_line_off_a_terminal() -> None:
    """A script into a pipe: quiet (its transcript is compared by tests and tools)."""
    assert not loading.on_terminal(io.StringIO())


def test_history_is_loaded_and_saved_beside_the_database(tmp_path: Path) -> None:
    """The history file is read at start and written at exit, bounded in length."""
    readline = pytest.importorskip("readline")
    history = tmp_path / "console_history"
    history.write_text("alice: earlier line\n", encoding="utf-8")
    with Prompt(history) as prompt:
        assert prompt.readline is readline
        assert readline.get_history_item(readline.get_current_history_length()) == (
            "alice: earlier line"
        )
        readline.add_history("bob: typed now")
        assert readline.get_history_length() == 1000
    assert history.read_text(encoding="utf-8").splitlines()[-1] == "bob: typed now"
    readline.clear_history()
