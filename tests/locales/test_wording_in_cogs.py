"""Words people say, through the console: true waits, plural forms, rank names per language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.locales import load_catalogue
from bot.settings.config_formats import DEFAULT_RANKS, parse_ranks, rank_message_key
from tests.cogs.nudges.test_nudges import CSV_QUESTION, HISTORY, nudges
from tests.fakes.console import START, ConsoleDriver, console_community

FRENCH = load_catalogue("fr")


def bot_lines(lines: list[str]) -> list[str]:
    """What the bot said (not the members' lines nor the console's notes)."""
    return [line for line in lines if "entraide:" in line]


def announcements(lines: list[str]) -> list[str]:
    """Rank-up announcements."""
    return [line for line in bot_lines(lines) if "🎉" in line]


async def test_a_nudge_sent_late_says_the_true_wait(tmp_path: Path) -> None:
    """The bot was down for three days: the nudge says 3 days, not the 15-minute delay."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.feed("admin /entraide config set sla_minutes 10080", *HISTORY, CSV_QUESTION)
        assert nudges(first.transcript) == []
    async with console_community(db, start=START + timedelta(days=3, hours=2)) as second:
        sent = nudges(second.transcript)
    assert len(sent) == 1
    assert "@bob" in sent[0]
    assert "Q3" in sent[0]
    assert "no answer for 3 days" in sent[0]
    assert "15 min" not in sent[0]


async def test_a_per_channel_delay_is_said_as_a_duration(console: ConsoleDriver) -> None:
    """A 90-minute channel delay reads '1 h 30 min' when set and in the nudge it causes."""
    await console.feed("admin /entraide config set sla_minutes 10080", *HISTORY)
    out = await console.feed("admin /nudges delay #help 90")
    assert "after 1 h 30 min without an answer" in out[-1]
    await console.feed(CSV_QUESTION, "wait 89m")
    assert nudges(console.transcript) == []
    sent = nudges(await console.feed("wait 1m"))
    assert len(sent) == 1
    assert "no answer for 1 h 30 min" in sent[0]


async def test_a_late_close_says_the_true_silence(tmp_path: Path) -> None:
    """Closed by a bot that was down past the 72 hours: the thread hears 5 days."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.feed(
            "admin /entraide config set sla_minutes 10080",
            "alice: How do I export my data?",
            "bob reply Q1: Settings › Export.",
        )
    async with console_community(db, start=START + timedelta(days=5, hours=3)) as second:
        closed = [line for line in second.transcript if "closed as answered" in line]
    assert len(closed) == 1
    assert "Q1 has answers and no activity for 5 days" in closed[0]


async def test_french_rank_up_and_rep_say_french_rank_names(console: ConsoleDriver) -> None:
    """French: 'Entraidant', not 'Helper'; the mapped role still follows the configured name."""
    await console.feed(
        "admin /entraide config set language fr",
        "admin /entraide config set rank_roles Helper=@helpers",
        "alice: Q?",
    )
    marks = []
    for n in range(5):
        marks += [f"bob reply Q1: réponse {n}", "carol react ^bob ✅"]
    out = await console.feed(*marks)
    [announced] = announcements(out)
    assert "@bob" in announced
    assert "**Entraidant**" in announced
    assert "Helper" not in announced
    assert [line for line in out if line.startswith("·") and "@helpers" in line]
    card = "\n".join(await console.feed("bob /rep"))
    assert "50 points · Entraidant" in card
    assert "encore 150 points pour devenir Contributeur" in card
    assert "Helper" not in card
    assert "Contributor" not in card


async def test_every_default_rank_is_announced_and_shown_in_french(console: ConsoleDriver) -> None:
    """Newcomer to Superfan, each as the French catalogue names it, in /rep and rank-ups."""
    await console.feed(
        "admin /entraide config set language fr",
        "admin /entraide config set rank_min_givers 1",
        "alice: Q?",
    )
    ladder = parse_ranks(DEFAULT_RANKS)
    names = {r.name: FRENCH[rank_message_key(r.name) or ""] for r in ladder}
    card = "\n".join(await console.feed("bob /rep"))
    assert f"0 point · {names['Newcomer']}" in card
    assert f"pour devenir {names['Helper']}" in card
    total = 0
    await console.feed("bob reply Q1: une réponse", "carol react ^bob ✅")  # one giver, 10 points
    total = 10
    for rank in ladder[1:]:
        out = await console.feed(f"admin /rep adjust bob {rank.points - total} palier")
        total = rank.points
        [announced] = announcements(out)
        assert f"**{names[rank.name]}**" in announced, rank.name
        card = "\n".join(await console.feed("bob /rep"))
        assert f"{total} points · {names[rank.name]} ·" in card, rank.name


async def test_a_rank_an_admin_named_is_shown_as_configured(console: ConsoleDriver) -> None:
    """'Gourou' stays 'Gourou' (and keeps its role); a default name on the ladder is translated."""
    await console.feed(
        "admin /entraide config set language fr",
        "admin /entraide config set ranks Recrue 0, Helper 30, Gourou 60",
        "admin /entraide config set rank_min_givers 1",
        "admin /entraide config set rank_roles Gourou=@gourous",
        "alice: Q?",
        "bob reply Q1: une réponse",
        "carol react ^bob ✅",
    )
    card = "\n".join(await console.feed("bob /rep"))
    assert "10 points · Recrue" in card
    assert "pour devenir Entraidant" in card
    [announced] = announcements(await console.feed("admin /rep adjust bob 20 palier"))
    assert "**Entraidant**" in announced
    out = await console.feed("admin /rep adjust bob 30 palier")
    [announced] = announcements(out)
    assert "**Gourou**" in announced
    assert [line for line in out if line.startswith("·") and "@gourous" in line]
    card = "\n".join(await console.feed("bob /rep"))
    assert "60 points · Gourou" in card


async def test_counts_say_one_and_many(console: ConsoleDriver) -> None:
    """'+1 point', 'New total: 1 point', '2 points', '1 day'; French '0 point', '-1 point'."""
    out = bot_lines(await console.feed("admin /rep adjust bob 1 welcome"))
    assert "+1 point for @bob" in out[-1]
    assert "New total: 1 point." in out[-1]
    out = bot_lines(await console.feed("admin /rep adjust bob 1 again"))
    assert "+1 point for @bob" in out[-1]
    assert "New total: 2 points." in out[-1]
    assert "@bob: 2 points ·" in bot_lines(await console.feed("bob /rep"))[0]
    await console.feed(
        "admin /entraide config set min_award_age_days 1",
        "alice: Q?",
        "dave reply Q1: from dave",
        "zed react ^dave ✅",
    )
    assert "after 1 day in the community" in console.transcript[-1]
    await console.feed("admin /entraide config set language fr")
    out = bot_lines(await console.feed("admin /rep adjust bob -1 oups"))
    assert "-1 point pour @bob" in out[-1]
    assert "Nouveau total : 1 point." in out[-1]
    assert "@erin : 0 point ·" in bot_lines(await console.feed("erin /rep"))[0]


async def test_a_french_leaderboard_is_french_from_top_to_bottom(console: ConsoleDriver) -> None:
    """Header, places, points and the newcomer label come from the French catalogue."""
    lines = ["admin /entraide config set language fr", "alice: Q?"]
    for name in ("bob", "carol", "dave", "frank"):  # erin is staff: hidden from boards
        lines += [f"{name} reply Q1: réponse de {name}", f"alice react ^{name} ✅"]
    await console.feed(*lines, "bob reply Q1: encore une", "alice react ^bob ✅")
    board = await console.feed("zoe /leaderboard")
    assert "Meilleurs contributeurs de la semaine" in board[1]
    places = [line.split()[0] for line in board[2:]]
    assert places == ["🥇", "🥈", "🥉", "4."]
    assert "@bob — 20 points" in board[2]
    assert all(FRENCH["leaderboard.newcomer"] in line for line in board[2:])
    assert not [line for line in board if "helper" in line.lower()]
