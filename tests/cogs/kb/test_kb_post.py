"""/kb post: a member shares an article in a question's thread, and it is their answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, console_community

FIXTURE_KB = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"


@pytest.fixture
async def community(tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
    """A console community whose knowledge base is the fixture articles."""
    async with console_community(tmp_path / "kb.db", knowledge_dir=FIXTURE_KB) as driver:
        yield driver


def platform_id(console: ConsoleDriver, line: str) -> str:
    """The platform id of the message a transcript line shows."""
    return console.adapter.state.messages[line.split(" ", 1)[0]].platform_id


def text_of(console: ConsoleDriver, line: str) -> str:
    """The whole text of the message a transcript line shows."""
    return console.adapter.state.messages[line.split(" ", 1)[0]].text


async def test_a_shared_article_is_posted_in_the_thread_as_the_sharers_answer(
    community: ConsoleDriver,
) -> None:
    """Everyone in Q1 sees it, only the sharer is mentioned, and it answers Q1 for carol."""
    await community.feed("alice: Where do I change the colours of the app?")
    assert await q.question_status(community.app.db) == "open"
    out = await community.feed("carol in Q1 /kb post dark-mode")
    posts = [line for line in out if line.startswith("M")]
    post = posts[0]
    assert community.said(post) == Said("entraide", "#help › Q1", ("carol",))
    assert post.endswith("@carol shared: **Is there a dark mode?**")
    text = text_of(community, post)
    assert "Yes: Settings, Appearance, Dark." in text
    assert text.endswith("/kb show dark-mode")
    assert not [line for line in out if "(only carol)" in line]  # nothing else for carol
    answers = await q.shared_answers(community.app.db)
    assert answers == [(1, platform_id(community, post), "carol", "dark-mode")]
    assert await q.question_status(community.app.db) == "answered"
    # Like any first answer: the nudge is off and the intro offers Still need help.
    assert await q.timer_status(community.app.db, "nudge") == "cancelled"
    assert "Still need help" in community.said(community.transcript[1]).buttons


async def test_an_articles_address_is_shown_and_a_long_one_fits_one_message(
    tmp_path: Path,
) -> None:
    """The post gives the article's URL; a long body is cut (its code block closed) so the
    answer stays one message, under Discord's 2,000 characters."""
    kb = tmp_path / "knowledge" / "en"
    kb.mkdir(parents=True)
    steps = "\n".join(f"step {n}: run the migration number {n} again" for n in range(120))
    (kb / "long-guide.md").write_text(
        '+++\ntitle = "The long guide"\nlang = "en"\nurl = "https://example.org/long"\n+++\n'
        f"Before anything:\n\n```\n{steps}\n```\n\nAnd that's all.\n",
        encoding="utf-8",
    )
    async with console_community(tmp_path / "l.db", knowledge_dir=kb.parent) as console:
        out = await console.feed("alice: How do I migrate?", "bob in Q1 /kb post long-guide")
        [post] = [line for line in out if line.startswith("M") and "shared" in line]
        text = text_of(console, post)
        assert len(text) <= 1900
        assert text.count("```") == 2  # opened and closed
        assert "step 0:" in text
        assert "step 119:" not in text
        assert text.endswith("https://example.org/long")
        assert len(await q.shared_answers(console.app.db)) == 1


async def test_posting_needs_a_question_and_a_known_article(community: ConsoleDriver) -> None:
    """Outside a thread without a number, or with an unknown article: a private error with
    the usage (the same one /kb show gives), nothing posted, no answer."""
    await community.feed("alice: Where do I change the colours of the app?")
    out = await community.feed("carol /kb post dark-mode", "carol in Q1 /kb post nope")
    assert community.said(out[1]) == Said("entraide", "only carol", (), ("Q3",))
    assert out[1].endswith(
        "Which question? Run it in the question's thread, or give its number: /kb post ARTICLE Q3."
    )
    assert community.said(out[3]) == Said("entraide", "only carol")
    shown = await community.feed("carol /kb show nope")
    assert out[3].split(": ", 1)[1] == shown[1].split(": ", 1)[1]
    assert await q.shared_answers(community.app.db) == []
    assert await q.question_status(community.app.db) == "open"


async def test_given_a_number_it_posts_in_that_thread_and_says_so(
    community: ConsoleDriver,
) -> None:
    """Run in the channel (as on Slack, where commands never run in a thread) with Q1."""
    await community.feed("alice: Where do I change the colours of the app?")
    out = await community.feed("carol /kb post dark-mode Q1")
    assert community.said(out[1]) == Said("entraide", "#help › Q1", ("carol",))
    assert community.said(out[-1]) == Said("entraide", "only carol", (), ("Q1",))
    assert [a[2:] for a in await q.shared_answers(community.app.db)] == [("carol", "dark-mode")]


async def test_the_asker_sharing_in_their_own_thread_is_not_an_answer(
    community: ConsoleDriver,
) -> None:
    """Like the asker's own replies: posted for all to read, but Q1 is still waiting."""
    await community.feed("alice: Where do I change the colours of the app?")
    out = await community.feed("alice in Q1 /kb post dark-mode")
    assert community.said(out[1]) == Said("entraide", "#help › Q1", ("alice",))
    assert await q.shared_answers(community.app.db) == []
    assert await q.question_status(community.app.db) == "open"


async def test_marking_a_shared_answer_helpful_gives_no_points_by_default(
    community: ConsoleDriver,
) -> None:
    """The mark stands (the answer counts as helpful) but carol earns nothing; /helpful
    says why."""
    await community.feed(
        "alice: Where do I change the colours of the app?",
        "carol in Q1 /kb post dark-mode",
        "dave react ^entraide ✅",
    )
    assert await q.marks(community.app.db) == [("dave", "carol", 0, None)]
    assert await q.ledger_count(community.app.db) == 0
    out = await community.feed("erin /helpful ^entraide")
    assert community.said(out[-1]) == Said("entraide", "only erin", ("carol",))
    assert out[-1].endswith("@carol shared this article, and shared articles earn no points here.")
    assert await q.member_points(community.app.db, "carol") == 0


async def test_with_points_shared_marks_and_accepts_pay_the_sharer(
    community: ConsoleDriver,
) -> None:
    """points_shared 3: a mark gives carol 3, the accept 3 more (not 10 and 15); her own
    mark gives nothing; the asker's bonus for accepting is as usual."""
    await community.feed(
        "admin /entraide config set points_shared 3",
        "alice: Where do I change the colours of the app?",
        "carol in Q1 /kb post dark-mode",
        "carol react ^entraide ✅",
        "dave react ^entraide ✅",
    )
    assert await q.marks(community.app.db) == [
        ("carol", "carol", 0, "self"),
        ("dave", "carol", 3, None),
    ]
    assert await q.member_points(community.app.db, "carol") == 3
    out = await community.feed("alice /accept ^entraide")
    assert community.said(out[1]) == Said("entraide", "#help › Q1", ("carol",), ("Q1",))
    assert await q.member_points(community.app.db, "carol") == 6
    assert await q.member_points(community.app.db, "alice") == 2
    assert await q.question_outcome(community.app.db) == "solved:community"
    rows = await q.ledger_rows(community.app.db, kind="accepted")
    assert [(r["member"], r["delta"]) for r in rows] == [("carol", 3)]


async def test_accepting_a_shared_answer_solves_without_points_by_default(
    community: ConsoleDriver,
) -> None:
    """points_shared 0: accepted and solved, carol gets nothing, and a bounty waits."""
    await community.feed(
        "alice: Where do I change the colours of the app?",
        "erin in Q1 /bounty 100",
        "carol in Q1 /kb post dark-mode",
        "alice /accept ^entraide",
    )
    assert await q.question_outcome(community.app.db) == "solved:community"
    assert await q.accept_count(community.app.db) == 1
    assert await q.member_points(community.app.db, "carol") == 0
    assert (await q.bounty_state(community.app.db) or ("", ""))[1] is None


async def test_a_question_a_shared_article_helped_is_no_knowledge_gap(
    community: ConsoleDriver,
) -> None:
    """The knowledge base had the answer: /kb gaps doesn't list Q1; Q2, helped by bob's own
    words, is a gap; so is Q3, where a shared article didn't help but bob's reply did."""
    await community.feed(
        "alice: Where do I change the colours of the app?",
        "carol in Q1 /kb post dark-mode",
        "dave react ^entraide ✅",
        "alice: Can I print my invoices from the mobile app?",
        "bob reply Q2: Not yet, only from the website.",
        "dave react ^bob ✅",
        "alice: Why is the export button greyed out on my phone?",
        "carol in Q3 /kb post export-data",
        "bob reply Q3: Exports need the desktop site.",
        "alice /accept ^bob",
    )
    out = await community.feed("erin /kb gaps")
    listed = "\n".join(out)
    assert "Q2" in listed
    assert "Q3" in listed
    assert "Q1" not in listed
