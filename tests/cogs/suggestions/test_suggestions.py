"""Knowledge-base suggestions: confident answers only, feedback that teaches, gaps, /kb."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import project_dir
from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, console_community, message

FIXTURE_KB = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"


@pytest.fixture
async def community(tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
    """A console community whose knowledge base is the five fixture articles."""
    async with console_community(tmp_path / "kb.db", knowledge_dir=FIXTURE_KB) as driver:
        yield driver


async def test_a_confident_match_is_suggested_in_the_thread(community: ConsoleDriver) -> None:
    """The best article is offered under the intro, with an excerpt and both buttons."""
    out = await community.feed("alice: How do I reset my password? The email never came")
    buttons = ("This solved it", "Not helpful")
    assert community.said(out[2]) == Said("entraide", "#help › Q1", (), ("Q1",), buttons)
    assert out[3].startswith("    1. **How do I reset my password?** — Open Settings, choose")
    assert out[3].endswith("(/kb show reset-password)  [This solved it] [Not helpful]")
    assert await q.kb_outcome(community.app.db) == "suggested"


async def test_a_console_suggestion_shows_the_command_without_backticks(tmp_path: Path) -> None:
    """With the shipped knowledge base, "How do I export my data?" gets the privacy article,
    whose excerpt names /privacy export: plain in a terminal, where Discord and Slack show
    it as inline code (issue 20)."""
    async with console_community(tmp_path / "s.db", knowledge_dir=project_dir("knowledge")) as c:
        out = await c.feed("alice: How do I export my data?")
    [line] = [line for line in out if "(/kb show privacy-export)" in line]
    assert "**How do I get a copy of my data?** — Run: /privacy export. The bot sends you" in line
    assert "`" not in line


async def test_no_confident_match_means_silence(community: ConsoleDriver) -> None:
    """An unrelated question gets no suggestion at all, and that is recorded."""
    out = await community.feed("alice: What is the best pizza place near the office?")
    assert len(out) == 2  # the post and the thread intro, nothing else
    assert await q.kb_outcome(community.app.db) == "silent"


async def test_suggestions_can_be_switched_off(community: ConsoleDriver) -> None:
    """With suggestions false the bot never offers articles."""
    await community.feed("admin /entraide config set suggestions false")
    out = await community.feed("alice: How do I reset my password?")
    assert not any("📚" in line for line in out)


async def test_threshold_is_a_community_setting(community: ConsoleDriver) -> None:
    """Raising suggest_min_similarity silences a match that passed before."""
    await community.feed("admin /entraide config set suggest_min_similarity 0.99")
    out = await community.feed("alice: How do I reset my password? The email never came")
    assert not any("📚" in line for line in out)


async def test_several_articles_get_numbered_buttons_and_a_link(community: ConsoleDriver) -> None:
    """Two confident articles: one 'solved it' button each, and the article URL when set."""
    await community.feed("admin /entraide config set suggest_min_similarity 0.3")
    out = await community.feed("alice: password settings export")
    block = "\n".join(out)
    assert "[1 solved it] [2 solved it]" in block
    assert "[Not helpful]" in block
    assert "(https://example.org/export)" in block  # an article with a url links to it


async def test_the_asker_pressing_this_solved_it_solves_by_the_kb(
    community: ConsoleDriver,
) -> None:
    """The question is solved with resolution 'kb' and the thread is told which article."""
    await community.feed("alice: How do I reset my password? The email never came")
    out = await community.feed("alice press ^entraide This solved it")
    assert out[1] == (
        "M4 [#help › Q1] entraide: ✅ Q1 is solved by the article “How do I reset my password?”."
        " Glad it helped!"
    )
    row = await q.question(community.app.db)
    assert (row["status"], row["resolution"], row["kb_outcome"]) == ("solved", "kb", "solved")
    assert await q.verdict(community.app.db) == 1


async def test_another_member_pressing_only_gives_feedback(community: ConsoleDriver) -> None:
    """Bob's vote is thanked privately and stored; the question stays open; no double vote."""
    await community.feed("alice: How do I reset my password? The email never came")
    out = await community.feed("bob press ^entraide This solved it", "bob press M3 This solved it")
    assert community.said(out[1]) == Said("entraide", "only bob")
    assert await q.question_status(community.app.db) == "open"
    assert await q.rows_in(community.app.db, "kb_feedback") == 1


async def test_not_helpful_by_the_asker_marks_the_suggestion_rejected(
    community: ConsoleDriver,
) -> None:
    """The rejection is recorded per article and the asker is told the community takes over."""
    await community.feed("alice: How do I reset my password? The email never came")
    out = await community.feed("alice press ^entraide Not helpful")
    assert community.said(out[1]) == Said("entraide", "only alice")
    assert community.text(out[1]) == message("suggestions.thanks_unhelpful")
    assert await q.kb_outcome(community.app.db) == "rejected"
    assert await q.verdict(community.app.db) == -1


async def test_rejections_demote_an_article_for_close_phrasings(community: ConsoleDriver) -> None:
    """Two askers reject the same article for a phrasing: the next asker isn't offered it."""
    question = "alice: How do I reset my password? The email never came"
    await community.feed(question, "alice press ^entraide Not helpful")
    await community.feed(question.replace("alice", "bob"), "bob press ^entraide Not helpful")
    out = await community.feed(question.replace("alice", "carol"))
    assert not any("reset-password" in line for line in out)


async def test_a_confirmation_lifts_an_article_above_the_threshold(
    community: ConsoleDriver,
) -> None:
    """An article confirmed for a phrasing is offered for the same phrasing even when weak."""
    await community.feed("admin /entraide config set suggest_min_similarity 0.5")
    question = "alice: forgot password mail missing spam folder help"
    out = await community.feed(question)
    assert not any("📚" in line for line in out)
    await community.feed("admin /entraide config set suggest_min_similarity 0.3")
    await community.feed("bob: forgot password mail missing spam folder help")
    await community.feed("bob press ^entraide This solved it")
    await community.feed("admin /entraide config set suggest_min_similarity 0.5")
    out = await community.feed("carol: forgot password mail missing spam folder help")
    assert any("How do I reset my password?" in line for line in out)


async def test_unanswered_by_the_kb_but_solved_by_people_is_a_gap(
    community: ConsoleDriver,
) -> None:
    """Silent questions later solved by the community show up in /kb gaps, grouped."""
    await community.feed(
        "alice: Can I print invoices in landscape orientation?",
        "bob reply Q1: Yes, in the print dialog.",
        "alice /solved Q1",
        "dave: How to print an invoice in landscape orientation",
        "bob reply Q2: Print dialog, Landscape.",
        "dave /solved Q2",
        "carol: What is the best pizza place near the office?",
        "carol /solved Q3",
    )
    assert await q.rows_in(community.app.db, "kb_gaps") == 2
    out = await community.feed("erin /entraide help", "erin /kb gaps", "bob /kb gaps")
    gaps = "\n".join(out)
    assert "• 2× “Can I print invoices in landscape orientation?” — Q1, Q2" in gaps
    refused = (Said("entraide", "only bob"), message("error.staff_only", name="kb gaps"))
    assert refused in community.facts(out)


async def test_answered_helpfully_without_an_article_is_a_gap(community: ConsoleDriver) -> None:
    """No article shown and an answer marked helpful: a gap even though nobody marked the
    question solved. An unmarked answer, or a question that was shown an article, is not."""
    await community.feed(
        "alice: Can I print invoices in landscape orientation?",
        "bob reply Q1: Yes, in the print dialog.",
        "alice react ^bob ✅",  # helpful, never solved
        "carol: What is the best pizza place near the office?",
        "bob reply Q2: The one on the corner.",  # answered, nothing marked
        "dave: How do I reset my password? The email never came",
        "bob reply Q3: Check your spam folder.",
        "dave react ^bob ✅",  # helpful, but an article was shown
    )
    assert await q.kb_outcome(community.app.db, 3) == "suggested"
    assert await q.rows_in(community.app.db, "kb_gaps") == 0
    out = await community.feed("erin /kb gaps")
    gaps = "\n".join(out)
    assert "“Can I print invoices in landscape orientation?” — Q1" in gaps
    assert "Q2" not in gaps
    assert "Q3" not in gaps


async def test_kb_search_and_show(community: ConsoleDriver) -> None:
    """Anyone can search and read an article; unknown slugs get a hint."""
    out = await community.feed("dave /kb search dark theme", "dave /kb show dark-mode")
    assert community.said(out[1]) == Said("entraide", "only dave")
    assert "“dark theme”" in out[1]
    assert out[2].startswith("    1. **Is there a dark mode?**")
    assert community.said(out[4]) == Said("entraide", "only dave")
    assert out[4].endswith("**Is there a dark mode?**")
    out = await community.feed("dave /kb show nothing-here", "dave /kb search zebra crossing")
    assert community.facts([out[1], out[3]]) == [
        (Said("entraide", "only dave"), message("kb.not_found", slug="nothing-here")),
        (Said("entraide", "only dave"), message("kb.no_results", text="zebra crossing")),
    ]


async def test_french_community_gets_french_articles_and_english_fallback(
    community: ConsoleDriver,
) -> None:
    """A French community reads the French article; untranslated ones come in English."""
    await community.feed("admin /entraide config set language fr")
    out = await community.feed("dave /kb show dark-mode", "dave /kb show export-data")
    assert out[1].endswith("**Existe-t-il un mode sombre ?**")
    [shown] = [line for line in out if line.endswith("**How do I export my data as CSV?**")]
    assert community.said(shown) == Said("entraide", "only dave")
    assert "    https://example.org/export" in out


async def test_kb_reload_reports_skipped_files(tmp_path: Path) -> None:
    """Admins reload; a malformed file is reported with its name and line and skipped."""
    kb_dir = tmp_path / "kb"
    (kb_dir / "en").mkdir(parents=True)
    good = (FIXTURE_KB / "en" / "dark-mode.md").read_text(encoding="utf-8")
    (kb_dir / "en" / "dark-mode.md").write_text(good, encoding="utf-8")
    async with console_community(tmp_path / "r.db", knowledge_dir=kb_dir) as driver:
        (kb_dir / "en" / "broken.md").write_text('+++\ntitle = "x\n+++\nbody\n', encoding="utf-8")
        (kb_dir / "en" / "export.md").write_text(
            (FIXTURE_KB / "en" / "export-data.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
        out = await driver.feed("bob /kb reload", "admin /kb reload")
        assert driver.said(out[1]) == Said("entraide", "only bob")
        assert driver.text(out[1]) == message("error.admins_only", name="kb reload")
        assert driver.said(out[3]) == Said("entraide", "only admin")
        reloaded = message("kb.reloaded", articles=2, embedded=1, reused=1, skipped=1)
        assert driver.text(out[3]).split("\n")[0] == reloaded
        assert out[4].startswith(
            f"    • {kb_dir / 'en' / 'broken.md'}:2: front matter is not valid"
        )


async def test_lexical_only_mode_still_answers(tmp_path: Path) -> None:
    """Without a model the bot ranks with BM25 and gates on coverage."""
    async with console_community(
        tmp_path / "l.db", knowledge_dir=FIXTURE_KB, embedder=None
    ) as driver:
        assert driver.app.knowledge.lexical_only
        out = await driver.feed("alice: reset password email", "bob: best pizza near office")
    assert any("How do I reset my password?" in line for line in out)
    assert sum("📚" in line for line in out) == 1
