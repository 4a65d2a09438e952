"""/questions: the triage queue of questions still waiting, through the console."""

from __future__ import annotations

import re

from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, message

ITEM = re.compile(r"• (Q\d+) · ")


async def ask(console: ConsoleDriver, who: str, text: str) -> None:
    """Post a question in #help."""
    await console.feed(f"{who}: {text}")


async def listing(console: ConsoleDriver, line: str) -> str:
    """What the bot answered to one command line (its private reply, continuation lines
    included)."""
    out = await console.feed(line)
    return "\n".join(out)


async def answer(console: ConsoleDriver, line: str) -> tuple[Said, str]:
    """Who saw the bot's reply to one command line, and its text as the bot sent it."""
    [reply] = [fact for fact in console.facts(await console.feed(line)) if fact[0].author != "bob"]
    return reply


def only_bob(text: str) -> tuple[Said, str]:
    """A private reply to bob that names no member or question."""
    return Said("entraide", "only bob"), text


def in_channel(channel: str) -> str:
    """How a listing names the one channel it keeps."""
    return message("queue.in_channel", channel=channel)


def refs(text: str) -> list[str]:
    """The questions a listing shows, in order."""
    return ITEM.findall(text)


def item(text: str, ref: str) -> str:
    """The line of one question."""
    return next(line for line in text.splitlines() if f"• {ref} · " in line)


async def test_unanswered_is_the_default_and_leaves_out_answered_solved_and_deleted(
    console: ConsoleDriver,
) -> None:
    """No live answer from another member yet, not solved, not deleted; anyone may ask."""
    await ask(console, "dave", "Why is my dashboard blank?")  # Q1: answered
    await ask(console, "carol", "How do I export my data?")  # Q2: only the asker talks
    await ask(console, "alice", "Where are the invoices?")  # Q3: solved
    await ask(console, "dave", "Is there a dark mode?")  # Q4: its root is deleted
    await ask(console, "alice", "Can I rename a project?")  # Q5: answer deleted
    await console.feed(
        "bob reply Q1: Refresh it.",
        "carol reply Q2: Anyone?",
        "alice /solved Q3",
        "dave delete ^dave",
        "bob reply Q5: Yes, in settings.",
        "bob delete ^bob",
    )
    shown = await listing(console, "carol /questions")
    assert "(only carol)" in shown  # the to-do list is private, and open to every member
    assert refs(shown) == ["Q2", "Q5"]
    assert "2 unanswered questions" in shown
    assert refs(await listing(console, "carol /questions unanswered")) == ["Q2", "Q5"]


async def test_open_lists_everything_not_solved_nor_closed(console: ConsoleDriver) -> None:
    """open: answered, nudged and escalated questions too; a question closed as answered
    after days of quiet, a solved one and a deleted one are not."""
    await ask(console, "dave", "Why is my dashboard blank?")  # Q1: answered, then closed
    await console.feed("bob reply Q1: Refresh it.", "wait 73h")
    await ask(console, "carol", "How do I export my data?")  # Q2: escalated after the SLA
    await ask(console, "alice", "Where are the invoices?")  # Q3: answered
    await ask(console, "erin", "Who owns billing?")  # Q4: solved
    await console.feed("bob reply Q3: Billing tab.", "erin /solved Q4", "wait 31m")
    assert await q.question_status(console.app.db, 2) == "escalated"
    shown = await listing(console, "bob /questions open")
    assert refs(shown) == ["Q2", "Q3"]
    assert "2 open questions" in shown
    assert "1 answer" in item(shown, "Q3")
    assert "0 answers" in item(shown, "Q2")


async def test_mine_lists_the_askers_own_waiting_questions(console: ConsoleDriver) -> None:
    """mine: the caller's questions not solved nor closed, answered or not."""
    await ask(console, "dave", "Why is my dashboard blank?")
    await ask(console, "carol", "How do I export my data?")
    await ask(console, "dave", "Is there a dark mode?")
    await ask(console, "dave", "Can I rename a project?")
    await console.feed("bob reply Q3: Yes.", "dave /solved Q4")
    shown = await listing(console, "dave /questions mine")
    assert refs(shown) == ["Q1", "Q3"]
    header = message("queue.header_mine", total=2, channel="", page=1, pages=1)
    assert shown.split(" entraide: ", 1)[1].startswith(header + "\n")
    assert await answer(console, "bob /questions mine") == only_bob(
        message("queue.empty_mine", channel="")
    )


async def test_one_channel_only(console: ConsoleDriver) -> None:
    """#channel keeps the questions of that help channel; the filter and the channel go in
    either order."""
    await console.feed("admin /entraide channels add-help #general")
    await ask(console, "dave", "Why is my dashboard blank?")
    await console.feed("carol in #general: How do I export my data?")
    await ask(console, "alice", "Where are the invoices?")
    shown = await listing(console, "bob /questions #general")
    assert refs(shown) == ["Q2"]
    header = message(
        "queue.header_unanswered", total=1, channel=in_channel("#general"), page=1, pages=1
    )
    assert shown.split(" entraide: ", 1)[1].startswith(header + "\n")
    assert refs(await listing(console, "bob /questions open #help")) == ["Q1", "Q3"]
    assert refs(await listing(console, "bob /questions #help open")) == ["Q1", "Q3"]
    assert await answer(console, "bob /questions #staff") == only_bob(
        message("queue.empty_unanswered", channel=in_channel("#staff"))
    )


async def test_twelve_questions_make_two_pages_oldest_first(console: ConsoleDriver) -> None:
    """Ten a page, oldest first; the header counts them all and says how to see the rest."""
    for n in range(1, 13):
        await ask(console, "dave", f"Question number {n}?")
        await console.feed("wait 1m")
    first = await listing(console, "bob /questions")
    assert "12 unanswered questions" in first
    assert "page 1 of 2" in first
    assert refs(first) == [f"Q{n}" for n in range(1, 11)]
    assert "Next page: /questions unanswered 2" in first
    second = await listing(console, "bob /questions unanswered 2")
    assert refs(second) == ["Q11", "Q12"]
    assert "page 2 of 2" in second
    assert "Next page" not in second
    assert refs(await listing(console, "bob /questions 2")) == ["Q11", "Q12"]  # filter omitted
    assert refs(await listing(console, "bob /questions 2 #help")) == ["Q11", "Q12"]
    channel = await listing(console, "bob /questions unanswered #help")
    assert "Next page: /questions unanswered #help 2" in channel
    past = await listing(console, "bob /questions unanswered 3")
    assert refs(past) == []
    assert "no page 3" in past
    assert "2 pages" in past


async def test_a_helpful_answer_is_shown_as_such(console: ConsoleDriver) -> None:
    """Helpful = accepted, or a standing ✅ mark that wasn't refused as suspect: the
    answerer's own ✅ doesn't count."""
    await ask(console, "dave", "Why is my dashboard blank?")  # Q1: ✅ by the asker
    await ask(console, "carol", "How do I export my data?")  # Q2: only a self-mark
    await ask(console, "alice", "Where are the invoices?")  # Q3: ✅, then taken back
    await console.feed(
        "bob reply Q1: Refresh it.",
        "dave react ^bob ✅",
        "bob reply Q2: Settings › Export.",
        "bob react ^bob ✅",
        "bob reply Q3: Billing tab.",
        "alice react ^bob ✅",
        "alice unreact ^bob ✅",
    )
    shown = await listing(console, "erin /questions open")
    assert "✅" in item(shown, "Q1")
    assert "✅" not in item(shown, "Q2")
    assert "✅" not in item(shown, "Q3")


async def test_ages_read_as_people_say_them(console: ConsoleDriver) -> None:
    """{age:duration}: minutes, hours and minutes, days."""
    await ask(console, "dave", "Why is my dashboard blank?")
    await console.feed("wait 4d")
    await ask(console, "carol", "How do I export my data?")
    await console.feed("wait 2h5m")
    await ask(console, "alice", "Where are the invoices?")
    await console.feed("wait 12m")
    shown = await listing(console, "bob /questions")
    assert "asked 4 days ago" in item(shown, "Q1")
    assert "asked 2 h 17 min ago" in item(shown, "Q2")
    assert "asked 12 min ago" in item(shown, "Q3")


async def test_echoed_question_text_stays_inert(console: ConsoleDriver) -> None:
    """A hostile question can't ping, mention, link or format from the bot's listing."""
    await ask(console, "dave", "Help @everyone @here <@bob> [free](https://evil.example) **now**")
    shown = item(await listing(console, "bob /questions"), "Q1")
    assert "@everyone" not in shown
    assert "@here" not in shown
    assert "<@bob>" not in shown
    assert "‹@bob›" in shown  # not a mention the console would render as @bob
    assert "](https://" not in shown
    assert "**" not in shown
    assert "everyone" in shown  # still readable


async def test_long_questions_are_cut_to_one_short_line(console: ConsoleDriver) -> None:
    """A long, multi-line question shows as one line of at most 90 characters, cut at a
    word."""
    await ask(console, "dave", "Why " + "really " * 40 + "?")
    shown = item(await listing(console, "bob /questions"), "Q1")
    excerpt = shown.split(" — ", 1)[1]
    assert 80 < len(excerpt) <= 90
    assert excerpt.endswith(" really…")


async def test_bad_filters_and_pages_are_explained(console: ConsoleDriver) -> None:
    """An unknown filter lists the choices; page 0 or a word is refused; nothing else runs."""
    await ask(console, "dave", "Why is my dashboard blank?")
    bad = await listing(console, "bob /questions nosuch")
    assert '"nosuch" isn\'t a valid filter' in bad
    assert "unanswered, open, mine" in bad
    assert "1 or more" in await listing(console, "bob /questions open 0")
    assert "I can't find the channel" in await listing(console, "bob /questions open soon")
    extra = await listing(console, "bob /questions open #help 2 3")
    assert 'I didn\'t expect "3"' in extra


async def test_nothing_waiting_is_a_friendly_line(console: ConsoleDriver) -> None:
    """An empty queue says so, per filter."""
    assert await answer(console, "bob /questions") == only_bob(
        message("queue.empty_unanswered", channel="")
    )
    assert await answer(console, "bob /questions open") == only_bob(
        message("queue.empty_open", channel="")
    )
    assert await answer(console, "bob /questions mine") == only_bob(
        message("queue.empty_mine", channel="")
    )
