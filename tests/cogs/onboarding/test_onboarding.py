"""A member whose second answer is marked helpful is invited, privately, to a close question."""

from __future__ import annotations

from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, message


async def test_second_helpful_answer_brings_one_invitation(console: ConsoleDriver) -> None:
    """bob helped twice on CSV exports: he is invited to the open CSV question, once."""
    await console.feed(
        "alice: How do I export my data to CSV?",
        "carol: Export of my data as CSV fails",
        "dave: The CSV export of my data is empty",
        "erin: Which colours does dark mode use?",
        "bob reply Q1: Settings › Export › CSV.",
        "alice react ^bob ✅",
    )
    assert not [line for line in console.transcript if "[DM → bob]" in line]
    out = await console.feed("bob reply Q2: Try a smaller date range.", "carol react ^bob ✅")
    invites = [line for line in out if "[DM → bob]" in line]
    assert len(invites) == 1
    assert console.said(invites[0]) == Said("entraide", "DM → bob", ("bob",), ("Q3",))
    assert console.text(invites[0]) == message(
        "onboarding.invite", member="bob", ref="Q3", text="The CSV export of my data is empty"
    )
    out = await console.feed("bob reply Q4: Grey and blue.", "erin react ^bob ✅")
    assert not [line for line in out if "[DM → bob]" in line]


async def test_no_invitation_without_a_close_question(console: ConsoleDriver) -> None:
    """Nothing open is related: no message (the next helpful answer may find one)."""
    await console.feed(
        "alice: How do I export my data to CSV?",
        "carol: Export of my data as CSV fails",
        "erin: Which colours does dark mode use?",
        "bob reply Q1: Settings › Export › CSV.",
        "alice react ^bob ✅",
        "bob reply Q2: Try a smaller date range.",
        "carol react ^bob ✅",
    )
    assert not [line for line in console.transcript if "[DM → bob]" in line]
    assert await q.rows_in(console.app.db, "onboarding_invites") == 0


async def test_admins_can_turn_invitations_off(console: ConsoleDriver) -> None:
    """onboarding_invites = false: no invitation."""
    await console.feed(
        "admin /entraide config set onboarding_invites false",
        "alice: How do I export my data to CSV?",
        "carol: Export of my data as CSV fails",
        "dave: The CSV export of my data is empty",
        "bob reply Q1: Settings › Export › CSV.",
        "alice react ^bob ✅",
        "bob reply Q2: Try a smaller date range.",
        "carol react ^bob ✅",
    )
    assert not [line for line in console.transcript if "[DM → bob]" in line]
