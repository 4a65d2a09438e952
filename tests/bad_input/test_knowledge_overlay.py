"""The knowledge overlay (issue 15 points 2 and 4): a run never writes into the shipped
knowledge/ folder; drafts and approved articles go to knowledge/ beside the database and are
read over the shipped articles; an editor's HTML comment never reaches a member; a folder the
bot can't write is a clear message; a missing knowledge_dir is a one-line start-up error."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.settings import project_dir
from tests.fakes.console import Said, console_community, message
from tests.fakes.settings import make_settings

SHIPPED = project_dir("knowledge")
DEMO = project_dir("examples") / "demo.txt"
APPROVED = "how-do-i-stop-getting-notified-about-every-reply"
SOLVED = [
    "alice: How do I export my invoices as PDF?",
    'carol reply Q1: Billing › Invoices › "Download all" gives a PDF.',
    "alice /accept ^carol",
]


def tree_hash(folder: Path) -> str:
    """One digest of every file's path and bytes under a folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def article(folder: Path, slug: str, title: str, body: str, lang: str = "en") -> Path:
    """Write one article file under folder/<lang>/."""
    (folder / lang).mkdir(parents=True, exist_ok=True)
    path = folder / lang / f"{slug}.md"
    path.write_text(f'+++\ntitle = "{title}"\nlang = "{lang}"\n+++\n{body}\n', encoding="utf-8")
    return path


def said(out: list[str]) -> str:
    """What the bot printed, as one text."""
    return "\n".join(line for line in out if "entraide:" in line or line.startswith("    "))


def test_a_script_run_leaves_the_checkout_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's `run --console --script examples/demo.txt --db <tmp>/x.db`: the shipped
    knowledge/ is byte for byte the same, the approved article is in <tmp>/knowledge/, and
    the draft's editing comment shows nowhere (its /kb search included)."""
    monkeypatch.setenv("ENTRAIDE_RETRIEVAL__DENSE", "false")  # BM25: no model to load
    before = tree_hash(SHIPPED)
    code = main(["run", "--console", "--script", str(DEMO), "--db", str(tmp_path / "x.db")])
    out = capsys.readouterr().out
    assert code == 0
    assert tree_hash(SHIPPED) == before
    assert (tmp_path / "knowledge" / "en" / f"{APPROVED}.md").is_file()
    assert not (SHIPPED / "drafts").exists()
    assert f"“{APPROVED}” is now in the knowledge base" in out
    assert "<!--" not in out
    assert "drafted from" not in out


async def test_an_html_comment_never_reaches_a_member(tmp_path: Path) -> None:
    """Neither /kb search, /kb show nor a suggestion shows an editor's comment; a comment in
    a code block is the article's own text."""
    knowledge = tmp_path / "kb"
    article(
        knowledge,
        "export-pdf",
        "How do I export invoices as PDF?",
        "<!-- check with billing -->Open Billing, then Invoices, then Download all to export"
        " invoices as PDF.\n\n```html\n<!-- kept -->\n```\n\n<!-- drafted from Q4; edit -->",
    )
    async with console_community(tmp_path / "c.db", knowledge_dir=knowledge) as console:
        out = await console.feed(
            "dave /kb search export invoices pdf",
            "dave /kb show export-pdf",
            "alice: How do I export invoices as PDF?",
        )
    shown = said(out)
    assert "Download all" in shown
    assert "check with billing" not in shown
    assert "drafted from" not in shown
    assert "<!-- kept -->" in shown


async def test_an_overlay_article_replaces_the_shipped_one(tmp_path: Path) -> None:
    """Same language and name in the overlay: the overlay's text is served, once."""
    shipped, overlay = tmp_path / "shipped", tmp_path / "knowledge"
    article(shipped, "refunds", "Refunds", "Refunds take 30 days.")
    article(shipped, "invoices", "Invoices", "Invoices are monthly.")
    article(overlay, "refunds", "Refunds", "Refunds take 5 days in our community.")
    async with console_community(tmp_path / "c.db", knowledge_dir=shipped) as console:
        out = await console.feed("dave /kb show refunds", "dave /kb show invoices")
        keys = sorted(a.key for a in console.app.knowledge.articles)
    assert "5 days" in said(out)
    assert "30 days" not in said(out)
    assert "monthly" in said(out)
    assert keys == ["en/invoices", "en/refunds"]


async def test_a_read_only_knowledge_folder_still_takes_drafts(tmp_path: Path) -> None:
    """The shipped folder read-only (as in the Docker image): drafts and approvals go to the
    overlay, the shipped folder is untouched."""
    shipped = tmp_path / "shipped"
    article(shipped, "refunds", "Refunds", "Refunds take 30 days.")
    before = tree_hash(shipped)
    for folder in (shipped / "en", shipped):
        folder.chmod(0o555)
    try:
        async with console_community(tmp_path / "c.db", knowledge_dir=shipped) as console:
            await console.feed(*SOLVED)
            drafted = await console.feed("erin /kb draft Q1")
            name = said(drafted).split("“")[1].split("”")[0]
            approved = await console.feed(f"erin /kb approve {name}", f"dave /kb show {name}")
    finally:
        for folder in (shipped, shipped / "en"):
            folder.chmod(0o755)
    done = message("kb.approved", name=name, articles=2)
    assert (Said("entraide", "only erin"), done) in console.facts(approved)
    assert "Download all" in said(approved)
    assert (tmp_path / "knowledge" / "en" / f"{name}.md").is_file()
    assert tree_hash(shipped) == before


async def test_an_overlay_the_bot_cant_write_is_explained(tmp_path: Path) -> None:
    """The overlay can't be made (a file is in its way): the member is told, naming the
    folder, instead of "Something went wrong"."""
    (tmp_path / "data").write_text("a file, not a folder", encoding="utf-8")
    overlay = tmp_path / "data" / "knowledge"
    settings = make_settings(tmp_path, knowledge_overlay=overlay)
    async with console_community(tmp_path / "c.db", settings=settings) as console:
        await console.feed(*SOLVED)
        out = await console.feed("erin /kb draft Q1")
    [told] = [line for line in out if "entraide:" in line]
    assert "(only erin)" in told
    assert str(overlay) in told
    assert "can't write" in told
    assert "Something went wrong" not in "\n".join(out)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--console", "--script", str(DEMO)],
        ["kb", "search", "how do I export"],
        ["kb", "index"],
        ["demo"],
    ],
)
def test_a_missing_knowledge_dir_is_one_line_and_exit_2(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A knowledge_dir that isn't there (a typo) stops the start with one line naming it."""
    missing = tmp_path / "knowlege"
    monkeypatch.setenv("ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR", str(missing))
    monkeypatch.setenv("ENTRAIDE_RETRIEVAL__DENSE", "false")
    db = [] if command == ["demo"] else ["--db", str(tmp_path / "x.db")]
    code = main([*command, *db])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert str(missing) in captured.err
    assert "does not exist" in captured.err
    assert "Traceback" not in captured.err


def test_an_empty_knowledge_dir_is_fine_and_logged(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An empty folder starts (a new community writes its first articles later), with an
    INFO line saying so."""
    empty = tmp_path / "empty"
    empty.mkdir()
    script = tmp_path / "s.txt"
    script.write_text("alice: hello there\n", encoding="utf-8")
    monkeypatch.setenv("ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR", str(empty))
    monkeypatch.setenv("ENTRAIDE_RETRIEVAL__DENSE", "false")
    caplog.set_level(logging.INFO, logger="bot.retrieval.folders")
    code = main(["run", "--console", "--script", str(script), "--db", str(tmp_path / "x.db")])
    assert code == 0, capsys.readouterr().err
    assert any(str(empty) in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)
