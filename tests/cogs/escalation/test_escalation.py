"""Escalation: after the SLA or at once for sensitive topics; staff-only actions; privacy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests import queries as q
from tests.fakes.console import START, ConsoleDriver, Said, console_community, message


def card_of(console: ConsoleDriver, ref: str) -> str:
    """The message id of a question's staff card (wherever the staff channel is)."""
    return next(
        line.split()[0]
        for line in console.transcript
        if "entraide: 🛎️" in line and (f"🛎️ {ref} " in line or f" on {ref} after" in line)
    )


def staff(lines: list[str]) -> list[str]:
    """Lines posted in the private staff channel."""
    return [line for line in lines if "[#staff]" in line]


def headlines(console: ConsoleDriver, lines: list[str]) -> list[str]:
    """The first line of each message posted in the staff channel, as the bot sent it."""
    return [console.text(line).split("\n", 1)[0] for line in staff(lines)]


STAFF_BUTTONS = ("Claim", "Resolve", "Return to community")
THIRTY_MINUTES = 30 * 60


def cards(console: ConsoleDriver, lines: list[str]) -> list[str]:
    """The first lines of the staff cards posted (not edited), as the bot sent them."""
    seen: set[str] = set()
    found = []
    for line in staff(lines):
        if "🛎️" in line and line.split()[0] not in seen:
            seen.add(line.split()[0])
            found.append(console.text(line).split("\n", 1)[0])
    return found


async def test_unanswered_after_the_sla_goes_to_staff(console: ConsoleDriver) -> None:
    """30 minutes without an answer: a card in #staff with context, one public line."""
    await console.feed("admin /rep adjust dave 12 welcome", "dave: Why is my dashboard blank?")
    assert staff(await console.feed("wait 29m")) == []
    out = await console.feed("wait 1m")
    [card] = staff(out)
    assert card.startswith("M5 ")
    assert console.said(card) == Said(
        "entraide", "#staff", mentions=("dave",), questions=("Q1",), buttons=STAFF_BUTTONS
    )
    assert headlines(console, out) == [
        message("escalation.card_unanswered", ref="Q1", waited=THIRTY_MINUTES)
    ]
    text = console.text(card)
    assert message("escalation.card_history", asker="dave", asked=1, points=12) in text
    assert "> Why is my dashboard blank?" in text
    public = [line for line in out if "[#help › Q1]" in line]
    assert [line.split(" ", 1)[0] for line in public] == ["M4"]
    assert console.said(public[0]) == Said("entraide", "#help › Q1")
    assert console.text(public[0]) == message("escalation.public_notice")
    assert await q.question_status(console.app.db) == "escalated"
    escalation = await q.escalation_of(console.app.db)
    assert (escalation["reason"], escalation["policy"]) == ("sla", "unanswered")


async def test_an_answered_question_stays_with_the_community(console: ConsoleDriver) -> None:
    """Default policy (unanswered): any live answer by another member, staff included, keeps
    it from staff; the asker's own reply doesn't count."""
    await console.feed(
        "dave: Why is my dashboard blank?",
        "erin reply Q1: Which browser?",
        "alice: How do I rename a project?",
        "alice reply Q2: Anyone?",
    )
    out = await console.feed("wait 30m")
    assert headlines(console, out) == [
        message("escalation.card_unanswered", ref="Q2", waited=THIRTY_MINUTES)
    ]


async def test_unhelped_sends_answered_questions_without_a_helpful_answer(
    console: ConsoleDriver,
) -> None:
    """escalate_when unhelped: an answer nobody marked goes to staff; a ✅ before the SLA (or
    an accepted answer) keeps it with the community."""
    await console.feed("admin /entraide config set escalate_when unhelped")
    await console.feed(
        "dave: Why is my dashboard blank?",
        "bob reply Q1: Try a refresh.",
        "alice: How do I rename a project?",
        "bob reply Q2: Project settings, Rename.",
        "alice react ^bob ✅",
        "carol: Where are invoices stored?",  # sensitive: staff at once, whatever the policy
    )
    out = await console.feed("wait 30m")
    assert headlines(console, out) == [
        message("escalation.card_unhelped", ref="Q1", waited=THIRTY_MINUTES)
    ]
    assert await q.escalation_count(console.app.db) == 2


async def test_unsolved_sends_every_question_not_solved(console: ConsoleDriver) -> None:
    """escalate_when unsolved (the old rule): answered and marked, but not solved: staff."""
    await console.feed(
        "admin /entraide config set escalate_when unsolved",
        "dave: Why is my dashboard blank?",
        "bob reply Q1: Try a refresh.",
        "dave react ^bob ✅",
        "alice: How do I rename a project?",
        "bob reply Q2: Project settings, Rename.",
        "alice /solved Q2",
    )
    out = await console.feed("wait 30m")
    assert headlines(console, out) == [
        message("escalation.card_unsolved", ref="Q1", waited=THIRTY_MINUTES)
    ]


async def test_bad_policy_lists_the_choices(console: ConsoleDriver) -> None:
    """A mistyped policy changes nothing and says what would fit."""
    out = await console.feed("admin /entraide config set escalate_when never")
    assert out[-1].endswith("one of: unanswered, unhelped, unsolved. Nothing was changed.")
    assert await q.override_count(console.app.db) == 0


async def test_sla_minutes_0_switches_sla_escalation_off(console: ConsoleDriver) -> None:
    """sla_minutes 0: nothing goes to staff on time; sensitive words and the asker still can."""
    await console.feed("admin /entraide config set sla_minutes 0", "dave: Why is it blank?")
    assert staff(await console.feed("wait 3d")) == []
    assert await q.timer_count(console.app.db, "escalate") == 0
    out = await console.feed("carol: I need a refund")
    assert len(staff(out)) == 1


async def test_closed_or_deleted_questions_are_not_escalated(console: ConsoleDriver) -> None:
    """A question deleted before its SLA, or closed as answered, never reaches staff."""
    await console.feed(
        "admin /entraide config set sla_minutes 10080",  # a week
        "admin /entraide config set escalate_when unsolved",
        "dave: Why is my dashboard blank?",
        "bob reply Q1: Try a refresh.",
        "alice: How do I rename a project?",
    )
    await console.feed("alice delete M6")
    out = await console.feed("wait 7d")
    closed = message("followup.closed", ref="Q1", quiet=timedelta(days=3))
    assert (Said("entraide", "#help › Q1", questions=("Q1",)), closed) in console.facts(out)
    assert [line for line in staff(out) if "🛎️" in line] == []
    assert await q.escalation_count(console.app.db) == 0


async def test_a_solved_question_is_not_escalated(console: ConsoleDriver) -> None:
    """Solved before the SLA: the timer is cancelled."""
    await console.feed(
        "dave: Why is my dashboard blank?", "bob reply Q1: Refresh.", "dave /solved Q1"
    )
    assert staff(await console.feed("wait 1h")) == []


async def test_sensitive_words_escalate_at_once(console: ConsoleDriver) -> None:
    """Billing, refunds, account access — in English or French — go to staff immediately."""
    out = await console.feed("dave: I was charged twice, I need a refund")
    assert staff(out)[0].startswith("M4 ")
    assert console.said(staff(out)[0]).where == "#staff"
    assert console.said(staff(out)[0]).buttons == STAFF_BUTTONS
    assert headlines(console, out)[0] == message("escalation.card_sensitive", ref="Q1")
    out = await console.feed("carol: Ma facture est fausse")
    assert len(staff(out)) == 1
    out = await console.feed("zoe: Why were both my invoices doubled?")  # plural: same stem
    assert len(staff(out)) == 1
    out = await console.feed("bob: How do I change my avatar?")
    assert staff(out) == []


async def test_only_staff_can_claim_resolve_or_return(console: ConsoleDriver) -> None:
    """Members are refused even if they see the card; staff claim, then resolve."""
    await console.feed(
        "admin /entraide channels set-staff #general",  # misconfigured: a public channel
        "dave: Refund for my last invoice please",
    )
    out = await console.feed(f"dave press {card_of(console, 'Q1')} Claim")
    assert console.said(out[-1]) == Said("entraide", "only dave")
    assert console.text(out[-1]) == message("escalation.staff_only")
    await console.feed("admin /entraide channels set-staff #staff")
    await console.feed("dave: Another refund please")
    card = card_of(console, "Q2")
    out = await console.feed(f"erin press {card} Claim")
    claimed = message("escalation.claimed", member="erin", ref="Q2")
    in_thread = Said("entraide", "#help › Q2", mentions=("erin",), questions=("Q2",))
    assert (in_thread, claimed) in console.facts(out)
    out = await console.feed(f"erin press {card} Resolve")
    resolved = message("escalation.resolved", member="erin", ref="Q2")
    assert (in_thread, resolved) in console.facts(out)
    assert await q.question_outcome(console.app.db, 2) == "solved:staff"
    out = await console.feed(f"erin press {card} Return to community")
    assert out[-1].endswith('no button "Return to community" (buttons: -).')


async def test_return_to_community_reopens(console: ConsoleDriver) -> None:
    """Returned: open again, and /escalations no longer lists it."""
    await console.feed("dave: Refund for my last invoice please")
    out = await console.feed("erin /escalations")
    assert "• Q1: waiting less than a minute, unclaimed" in "\n".join(out)
    card = card_of(console, "Q1")
    out = await console.feed(f"erin press {card} Return to community", "erin /escalations")
    returned = message("escalation.returned", ref="Q1")
    assert (Said("entraide", "#help › Q1", questions=("Q1",)), returned) in console.facts(out)
    assert console.said(out[-1]) == Said("entraide", "only erin")
    assert console.text(out[-1]) == message("escalation.none_open")
    assert await q.question_status(console.app.db) == "open"


async def test_on_duty_staff_are_assigned_in_turn_and_repinged(console: ConsoleDriver) -> None:
    """Round-robin over the on-duty list; an unclaimed escalation pings its assignee again."""
    await console.feed("admin /entraide config set on_duty erin, admin")
    out = await console.feed("dave: Refund please", "carol: Invoice is wrong")
    # The assignee is the card's last line, after the asker's history and the quote.
    assert [console.text(card).split("\n")[-1] for card in staff(out)] == [
        message("escalation.card_assigned", member="erin"),
        message("escalation.card_assigned", member="admin"),
    ]
    out = await console.feed("wait 15m")
    repings = staff(out)
    assert [line.split(" ", 1)[0] for line in repings] == ["M10", "M11"]
    assert console.facts(repings) == [
        (
            Said("entraide", "#staff", mentions=("erin",), questions=("Q1",)),
            message("escalation.reping", member="erin", ref="Q1"),
        ),
        (
            Said("entraide", "#staff", mentions=("admin",), questions=("Q2",)),
            message("escalation.reping", member="admin", ref="Q2"),
        ),
    ]


async def test_staff_details_never_reach_the_public_thread(console: ConsoleDriver) -> None:
    """The thread gets one line; the asker's history and points stay in #staff."""
    await console.feed("admin /rep adjust dave 40 gift", "dave: I need a refund")
    public = [line for line in console.transcript if "[#help" in line and "entraide" in line]
    assert not [line for line in public if "points" in line or "Asked by" in line]


async def test_sla_due_while_down_escalates_once_at_start(tmp_path: Path) -> None:
    """Stopped before the SLA, restarted after: one card, not two."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.feed("dave: Why is my dashboard blank?")
    async with console_community(db, start=START + timedelta(hours=1)) as second:
        assert len(staff(second.transcript)) == 1
    async with console_community(db, start=START + timedelta(hours=2)) as third:
        assert staff(third.transcript) == []


async def test_nudge_and_escalation_due_while_down_each_fire_once(tmp_path: Path) -> None:
    """Stopped with a pending nudge and a pending SLA, restarted past both: one of each."""
    db = tmp_path / "entraide.db"
    history = [
        "alice: How do I export my data to CSV?",
        "bob reply Q1: Settings › Export › CSV.",
        "alice react ^bob ✅",
        "alice /accept ^bob",
    ]
    async with console_community(db) as first:
        await first.feed(*history, "dave: The CSV export of my data is empty")
    async with console_community(db, start=START + timedelta(hours=1)) as second:
        text = "\n".join(second.transcript)
        assert text.count("👋 @bob: Q2 has had no answer") == 1
        assert text.count("🛎️ Q2 has no answer") == 1
        await second.feed("wait 1d")
    async with console_community(db, start=START + timedelta(days=2)) as third:
        assert "👋" not in "\n".join(third.transcript)
        assert "🛎️ Q2" not in "\n".join(third.transcript)


def test_the_staff_card_pings_only_the_assignee() -> None:
    """User text on the card can't ping: the card allows the assignee's mention, nobody else."""
    from bot.cogs.escalation._render import card
    from bot.storage.questions import Question

    question = Question(
        1,
        1,
        7,
        "m1",
        "help",
        "m1",
        "m1",
        None,
        1,
        "dave",
        "@everyone <@U123> <@&admins> refund now",
        "open",
        None,
        "",
        None,
        None,
    )

    def t(key: str, /, **params: object) -> str:
        return f"{key} {sorted(params.items())}"

    assert card(t, question, "sent", 1, 0, [], None).mentions == ()
    assert card(t, question, "sent", 1, 0, [], "erin").mentions == ("erin",)
