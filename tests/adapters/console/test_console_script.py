"""The console community end to end: every action kind, ids, visibility and error lines."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import queries as q
from tests.fakes.console import ConsoleDriver, console_community


async def test_a_post_in_help_opens_a_question_thread(console: ConsoleDriver) -> None:
    """A post in #help is printed with an id, and the bot opens Q1's thread with a button."""
    out = await console.feed("alice: How do I reset my password?")
    assert out[0] == "M1 [#help] alice: How do I reset my password?"
    assert out[1].startswith("M2 [#help › Q1] entraide: Question Q1 is open.")
    assert out[1].endswith("[Mark solved]")


async def test_posts_elsewhere_are_not_questions(console: ConsoleDriver) -> None:
    """`NAME in #general: TEXT` posts in #general and the bot stays quiet."""
    out = await console.feed("bob in #general: hello all")
    assert out == ["M1 [#general] bob: hello all"]
    assert await q.question_count(console.app.db) == 0


async def test_reply_by_question_ref_and_by_message_ref(console: ConsoleDriver) -> None:
    """`reply Q1` and `reply ^alice` both land in the question's thread."""
    await console.feed("alice: Where are the logs?")
    out = await console.feed("bob reply Q1: In /var/log.", "carol reply ^alice: Or journalctl.")
    said = [line for line in out if not line.startswith(("· entraide edited", "M2 "))]
    assert said == ["M3 [#help › Q1] bob: In /var/log.", "M4 [#help › Q1] carol: Or journalctl."]
    assert await q.answer_count(console.app.db) == 2


async def test_react_and_unreact_are_echoed_and_checked(console: ConsoleDriver) -> None:
    """Reactions print a line; reacting twice or removing a missing reaction is an error."""
    await console.feed("alice: q?", "bob reply Q1: a.")
    out = await console.feed(
        "carol react ^bob ✅", "carol react M3 ✅", "carol unreact M3 ✅", "carol unreact M3 ✅"
    )
    assert out == [
        "· carol reacted ✅ to M3",
        "! line 4: carol already reacted ✅ on M3.",
        "· carol removed ✅ from M3",
        "! line 6: carol has not reacted ✅ on M3.",
    ]


async def test_press_a_button_by_label(console: ConsoleDriver) -> None:
    """`press ^entraide LABEL` presses the bot's latest button; labels are case-insensitive."""
    await console.feed("alice: q?", "bob reply Q1: a.")
    out = await console.feed("alice press ^entraide mark SOLVED")
    assert out[0] == "· alice pressed [Mark solved] on M2"
    assert out[1] == (
        "M4 [#help › Q1] entraide: ✅ Q1 is solved (marked by @alice)."
        " Thanks to everyone who helped!"
    )


async def test_pressing_a_missing_button_lists_the_buttons(console: ConsoleDriver) -> None:
    """A wrong label names the message's real buttons."""
    await console.feed("alice: q?")
    out = await console.feed("alice press M2 Not helpful")
    assert out == ['! line 2: M2 has no button "Not helpful" (buttons: [Mark solved]).']


async def test_slash_commands_outside_and_inside_a_thread(console: ConsoleDriver) -> None:
    """`/solved Q1` from anywhere and `in Q1 /solved` inside the thread both work."""
    await console.feed("alice: first?", "dave: second?")
    out = await console.feed("alice /solved Q1", "dave in Q2 /solved")
    assert out[0] == "· alice ran /solved Q1"
    assert "Q1 is solved" in out[1]
    assert out[2] == "M6 (only alice) entraide: Done: Q1 is marked solved."
    assert "Q2 is solved" in out[4]
    assert len(out) == 5  # inside the thread there is no extra private confirmation


async def test_ephemeral_replies_and_dms_show_their_audience(console: ConsoleDriver) -> None:
    """Private replies read `(only NAME)`; other members can't point at them."""
    out = await console.feed("carol /entraide config set language fr")
    assert out[1].startswith("M1 (only carol) entraide: Sorry, only community admins")
    assert await console.feed("dave press ^entraide anything") == [
        "! line 2: entraide has not posted anything yet."
    ]


async def test_edit_and_delete_own_messages(console: ConsoleDriver) -> None:
    """Edits update the stored text; deletes flag the answer; others' messages are off limits."""
    await console.feed("alice: Old question text", "bob reply Q1: old answer")
    out = await console.feed("alice edit M1: New question text", "bob delete M3", "carol delete M1")
    assert out == [
        "· alice edited M1",
        "· bob deleted M3",
        "! line 5: carol can only edit or delete their own messages.",
    ]
    assert await q.question_text(console.app.db) == "New question text"
    assert (await q.answer(console.app.db))["deleted_at"] is not None
    assert await console.feed("carol react M3 ✅") == ["! line 6: there is no message M3."]


async def test_wait_moves_the_clock_that_timestamps_use(console: ConsoleDriver) -> None:
    """`wait 20m` advances time: the answer is stamped 20 minutes after the question."""
    await console.feed("alice: q?")
    out = await console.feed("wait 20m", "bob reply Q1: a.")
    assert out[0] == "· 20m later"
    row = await q.question(console.app.db)
    created, answered = row["created_at"], row["first_answer_at"]
    assert (str(created), str(answered)) == (
        "2026-01-05T09:00:00+00:00",
        "2026-01-05T09:20:00+00:00",
    )


async def test_wait_accepts_s_m_h_d_and_rejects_nonsense(console: ConsoleDriver) -> None:
    """Durations use s, m, h, d; anything else is an error line."""
    out = await console.feed("wait 30s", "wait 2h", "wait 1d", "wait soon")
    assert out[:3] == ["· 30s later", "· 2h later", "· 1d later"]
    assert out[3].startswith('! line 4: "soon" is not a duration')
    assert console.app.clock.now().isoformat() == "2026-01-06T11:00:30+00:00"


async def test_error_lines_name_the_line_and_change_nothing(console: ConsoleDriver) -> None:
    """Unknown actions, ids, channels and members each print one error line and go on."""
    out = await console.feed(
        "# comment",
        "this is not an action",
        "bob reply Q7: hi",
        "bob react M99 ✅",
        "bob in #nowhere: hi",
        "entraide: I am the bot",
        "alice: still works",
    )
    assert out[0].startswith("! line 2: I can't read this line.")
    assert out[1] == "! line 3: there is no question Q7."
    assert out[2] == "! line 4: there is no message M99."
    assert out[3] == "! line 5: there is no channel #nowhere (channels: #help, #general, #staff)."
    assert out[4] == "! line 6: entraide is the bot's name; pick another member."
    assert out[5] == "M1 [#help] alice: still works"
    assert await q.question_count(console.app.db) == 1


async def test_private_staff_channel(console: ConsoleDriver) -> None:
    """Only staff and admins can post in #staff."""
    out = await console.feed("alice in #staff: let me in", "erin in #staff: staff only here")
    assert out == ["! line 1: alice can't see #staff.", "M1 [#staff] erin: staff only here"]


async def test_unknown_commands_and_bad_arguments(console: ConsoleDriver) -> None:
    """An unknown command is an error line with hints; bad arguments get a private reply."""
    out = await console.feed("admin /entraide conf", "alice /solved banana", "alice /frobnicate")
    assert out[0] == "! line 1: there is no command /entraide conf. Try: channels, config, help."
    assert out[1] == "· alice ran /solved banana"
    assert (
        out[2] == 'M1 (only alice) entraide: "banana" isn\'t a question number; use the form Q12.'
    )
    assert out[3] == "! line 3: there is no command /frobnicate."


async def test_huge_and_hostile_messages(console: ConsoleDriver) -> None:
    """Over-long posts are refused; mass mentions are echoed as inert text."""
    out = await console.feed("alice: " + "x" * 5000, "alice: @everyone <@bob> help")
    assert out[0] == "! line 1: the message is longer than 4000 characters."
    assert out[1] == "M1 [#help] alice: @everyone <@bob> help"
    assert await q.question_count(console.app.db) == 1


async def test_message_numbering_restarts_but_questions_persist(tmp_path: Path) -> None:
    """A second session on the same database shows M1 again but continues at Q2."""
    db = tmp_path / "same.db"
    async with console_community(db) as first:
        await first.feed("alice: first question")
    async with console_community(db) as second:
        out = await second.feed("bob: second question")
    assert out[0] == "M1 [#help] bob: second question"
    assert "Question Q2 is open" in out[1]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
async def test_any_line_prints_something_sane_and_never_crashes(line: str) -> None:
    """Arbitrary input never raises: it is played, skipped as a comment, or reported."""
    with tempfile.TemporaryDirectory() as tmp:
        async with console_community(Path(tmp) / "p.db") as driver:
            out = await driver.feed(line)
    for printed in out:
        assert printed.startswith(("M", "!", "·", "    ")) or printed == ""


async def test_press_latest_finds_the_newest_bot_message_with_that_button(
    console: ConsoleDriver,
) -> None:
    """`press ^entraide LABEL` skips the bot's later messages without that button (a script
    needn't count messages), and names the latest one's buttons when none has it."""
    await console.feed("alice: q?", "bob reply Q1: a.", "alice /rep")
    out = await console.feed("alice press ^entraide Mark solved")
    assert out[0] == "· alice pressed [Mark solved] on M2"
    await console.feed("dave: another?", "dave /rep")
    out = await console.feed("dave press ^entraide Not helpful")
    assert out[0].startswith("! line")
    assert "has no button" in out[0]
    assert "(buttons: -)" in out[0]
