"""Staff turn a solved thread into an article draft, then approve it into the knowledge base."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.console import ConsoleDriver, Said, console_community, message
from tests.fakes.settings import make_settings
from tests.fakes.waiting import until

NAME = "how-do-i-export-my-invoices-as-pdf"


async def test_a_solved_thread_becomes_a_draft_then_an_article(console: ConsoleDriver) -> None:
    """The draft holds the question as title and the accepted answer; approve serves it."""
    await console.feed(
        "alice: How do I export my invoices as PDF?",
        "bob reply Q1: Not this one.",
        'carol reply Q1: Billing › Invoices › "Download all" gives a PDF.',
        "alice /accept ^carol",
    )
    out = await console.feed("erin /kb draft Q1")
    assert console.said(out[-1]) == Said("entraide", "only erin", questions=("Q1",))
    assert console.text(out[-1]) == message("kb.drafted", name=NAME, ref="Q1")
    kb = console.app.knowledge.overlay  # the data folder's knowledge/, beside the database
    assert kb == console.app.db.path.parent / "knowledge"
    draft = kb / "drafts" / "en" / "how-do-i-export-my-invoices-as-pdf.md"
    text = draft.read_text(encoding="utf-8")
    assert 'title = "How do I export my invoices as PDF?"' in text
    assert 'Billing › Invoices › "Download all" gives a PDF.' in text
    assert "Not this one" not in text
    out = await console.feed("erin /kb search export invoices pdf")
    # drafts are not served
    assert console.text(out[-1]) == message("kb.no_results", text="export invoices pdf")
    out = await console.feed("erin /kb approve how-do-i-export-my-invoices-as-pdf")
    assert console.said(out[-1]) == Said("entraide", "only erin")
    assert console.text(out[-1]) == message("kb.approved", name=NAME, articles=1)
    assert not draft.exists()
    assert (Path(kb) / "en" / "how-do-i-export-my-invoices-as-pdf.md").exists()
    out = await console.feed("erin /kb show how-do-i-export-my-invoices-as-pdf")
    assert "Download all" in "\n".join(out)


async def test_drafts_need_staff_and_a_solution(console: ConsoleDriver) -> None:
    """Members are refused; an unsolved question, or an unknown draft, is explained."""
    await console.feed("alice: How do I export?", "bob reply Q1: Settings.")
    out = await console.feed("bob /kb draft Q1", "erin /kb draft Q1", "erin /kb approve nope")
    assert console.facts([out[1], out[3], out[5]]) == [
        (Said("entraide", "only bob"), message("error.staff_only", name="kb draft")),
        (
            Said("entraide", "only erin", questions=("Q1",)),
            message("kb.draft_needs_solution", ref="Q1"),
        ),
        (Said("entraide", "only erin"), message("kb.no_draft", name="nope")),
    ]


async def test_a_hostile_title_still_makes_a_valid_article(console: ConsoleDriver) -> None:
    """Quotes, backslashes and front-matter fences in the question can't break the file."""
    await console.feed(
        'alice: Why does "C:\\temp\\x" +++ break = [my] export?',
        "bob reply Q1: Use a folder without special characters.",
        "alice /accept ^bob",
        "erin /kb draft Q1",
    )
    name = console.transcript[-1].split("“")[1].split("”")[0]
    assert name == "why-does-c-temp-x-break-my-export"
    out = await console.feed(f"erin /kb approve {name}", f"erin /kb show {name}")
    assert console.text(out[1]) == message("kb.approved", name=name, articles=1)
    assert 'Why does "C:\\temp\\x" +++ break = [my] export?' in "\n".join(out)
    assert console.app.knowledge.errors == ()


async def test_an_article_approved_in_one_process_is_served_by_another(tmp_path: Path) -> None:
    """Two bots on one database and one data folder (two processes): erin approves a draft
    in the first; within the second's next check (a second here) the second serves it,
    and its own /kb reload reaches the first back."""
    db = tmp_path / "entraide.db"
    settings = make_settings(tmp_path).model_copy(deep=True)
    settings.retrieval.follow_seconds = 1
    async with (
        console_community(db, settings) as one,
        console_community(db, settings) as two,
    ):
        await one.feed(
            "alice: How do I export my invoices as PDF?",
            'carol reply Q1: Billing › Invoices › "Download all" gives a PDF.',
            "alice /accept ^carol",
            "erin /kb draft Q1",
        )
        out = await two.feed(f"erin /kb show {NAME}")
        assert two.text(out[-1]) == message("kb.not_found", slug=NAME)
        await one.feed(f"erin /kb approve {NAME}")

        async def served_by_two() -> bool:
            return two.app.knowledge.article(NAME, "en") is not None

        await until(served_by_two, within=10.0)
        out = await two.feed(f"erin /kb show {NAME}")
        assert "Download all" in "\n".join(out)
        # Back the other way: an article dropped in the folder, then /kb reload in two.
        article = one.app.knowledge.overlay / "en" / f"{NAME}.md"
        article.unlink()
        await two.feed("admin /kb reload")

        async def gone_from_one() -> bool:
            return one.app.knowledge.article(NAME, "en") is None

        await until(gone_from_one, within=10.0)
