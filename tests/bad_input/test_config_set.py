"""/entraide config set: a refused value says why and what would fit, and changes nothing;
on_duty and rank_roles are checked against the community's members, roles and ranks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.locales import Messages
from bot.settings import CommunityDefaults
from bot.settings.community_config import ConfigValueError, config_keys, parse_value
from tests import queries as q
from tests.fakes.console import ConsoleDriver

MESSAGES = Messages()


async def refusal(console: ConsoleDriver, line: str) -> str:
    """The admin's private answer to one config set, checking nothing was stored."""
    before = await q.override_count(console.app.db)
    out = await console.feed(line)
    assert await q.override_count(console.app.db) == before
    answer = [text for text in out if "(only admin) entraide:" in text]
    assert len(answer) == 1, out
    return answer[0]


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("timezone Paris", ['"Paris" is not an IANA time zone', "try Europe/Paris"]),
        ("timezone europe/paris", ["try Europe/Paris"]),
        ("timezone Mars/Olympus", ["not an IANA time zone", "Europe/Paris"]),
        ("timezone Europe", ["not an IANA time zone"]),
        ("leaderboard_cron every monday", ["five fields", "2 fields", "0 9 * * mon"]),
        ("leaderboard_cron 0 25 * * mon", ["hour", '"25"', "0-23"]),
        ("ranks Newcomer 0, Helper 50, Pro 40", ['"Pro 40" comes after "Helper 50"']),
        ("rank_roles Helper", ['"Helper" is not Rank=role', "Helper=@helpers"]),
        ("suggest_max 9", ["from 1 to 3", "e.g. 3"]),
        ("suggest_max three", ["from 1 to 3"]),
        ("language klingon", ["one of: en, fr"]),
        ("helpful_emoji thumbs", ["one emoji", "✅"]),
        ("staff_channel #a b", ["channel", "#help"]),
    ],
)
async def test_a_bad_value_says_why_with_an_example(
    console: ConsoleDriver, setting: str, says: list[str]
) -> None:
    """Not just "Expected: text": the reason, an example, and "Nothing was changed"."""
    answer = await refusal(console, f"admin /entraide config set {setting}")
    assert f"doesn't fit {setting.split()[0]}" in answer
    assert "Nothing was changed." in answer
    for words in says:
        assert words in answer


async def test_reasons_speak_the_community_language(console: ConsoleDriver) -> None:
    """With language fr, the reason is French too."""
    await console.feed("admin /entraide config set language fr")
    answer = await refusal(console, "admin /entraide config set timezone Paris")
    assert "n'est pas un fuseau horaire IANA" in answer
    assert "Europe/Paris" in answer
    answer = await refusal(console, "admin /entraide config set leaderboard_cron 0 9")
    assert "2 champs" in answer


async def test_on_duty_must_name_members(console: ConsoleDriver) -> None:
    """`on_duty nobody` is refused naming nobody; known members are stored, each once."""
    answer = await refusal(console, "admin /entraide config set on_duty nobody")
    assert 'can\'t find the member "nobody"' in answer
    answer = await refusal(console, "admin /entraide config set on_duty @erin, ghost")
    assert '"ghost"' in answer
    await console.feed("admin /entraide config set on_duty @erin, admin, erin")
    stored = await q.override(console.app.db, "on_duty")
    assert stored == '"erin, admin"'


async def test_rank_roles_must_name_configured_ranks(console: ConsoleDriver) -> None:
    """`rank_roles Nonexistent=@x` names the rank and lists the ones there are."""
    answer = await refusal(console, "admin /entraide config set rank_roles Nonexistent=@x")
    assert '"Nonexistent" is not one of the ranks' in answer
    assert "Newcomer, Helper, Contributor, Expert, Superfan" in answer
    await console.feed("admin /entraide config set rank_roles helper=@helpers")
    assert await q.override_count(console.app.db) == 1


async def test_new_ranks_cannot_orphan_a_rank_role(console: ConsoleDriver) -> None:
    """Ranks without Helper while rank_roles maps Helper: refused, the mapping says why."""
    await console.feed("admin /entraide config set rank_roles Helper=@helpers")
    answer = await refusal(console, "admin /entraide config set ranks Newcomer 0, Pro 100")
    assert '"Helper" is not one of the ranks (Newcomer, Pro)' in answer


async def test_a_rank_role_for_a_new_rank_takes_effect(console: ConsoleDriver) -> None:
    """rank_roles naming a rank that only the community's own ranks define still applies
    (the stored overrides are read in any order)."""
    await console.feed(
        "admin /entraide config set ranks Recrue 0, Gourou 60",
        "admin /entraide config set rank_roles Gourou=@gourous",
    )
    shown = await console.feed("admin /entraide config show")
    assert [line for line in shown if "rank_roles = Gourou=@gourous (set here)" in line]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(config_keys()), st.text(max_size=40))
def test_any_text_for_any_key_is_a_value_or_a_reason(key: str, raw: str) -> None:
    """Whatever an admin types, parse_value returns a value or refuses with a reason that
    reads in both languages (never another exception: "Europe" is a folder of zones)."""
    try:
        parse_value(key, raw, CommunityDefaults())
    except ConfigValueError as refused:
        for language in ("en", "fr"):
            text = refused.reason.text(MESSAGES.translator(language))
            assert text
            assert not text.startswith("settings.")
