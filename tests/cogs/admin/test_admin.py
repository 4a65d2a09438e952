"""Admin configuration: permissions, validation with choices, channels, language."""

from __future__ import annotations

from pathlib import Path

from bot.settings import CommunityDefaults
from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, console_community, message
from tests.fakes.settings import default_settings

FIXTURE_KB = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"


async def test_non_admin_is_refused_politely_and_nothing_changes(console: ConsoleDriver) -> None:
    """A member trying an admin command gets a private refusal; settings stay."""
    out = await console.feed("bob /entraide config set language fr")
    assert out[1].startswith("M1 ")
    assert console.said(out[1]) == Said("entraide", "only bob")
    assert console.text(out[1]) == message("error.admins_only", name="entraide config set")
    assert await q.override_count(console.app.db) == 0
    out = await console.feed("erin /entraide channels add-help #general")
    assert console.said(out[1]) == Said("entraide", "only erin")
    assert console.text(out[1]) == message("error.admins_only", name="entraide channels add-help")


async def test_set_show_and_reset(console: ConsoleDriver) -> None:
    """Admins change a value, see where it comes from, and put it back."""
    out = await console.feed("admin /entraide config set staff_channel #general")
    assert console.said(out[1]) == Said("entraide", "only admin")
    assert all(word in out[1] for word in ("staff_channel", "#general", "#staff"))  # new, was
    out = await console.feed("admin /entraide config show")
    assert "    • staff_channel = #general (set here)" in out
    assert "    • language = en (default)" in out
    out = await console.feed("admin /entraide config reset staff_channel")
    assert console.said(out[1]) == Said("entraide", "only admin")
    assert console.text(out[1]) == message("admin.reset_done", key="staff_channel", value="#staff")
    out = await console.feed("admin /entraide config reset staff_channel")
    assert console.said(out[1]) == Said("entraide", "only admin")
    assert console.text(out[1]) == message(
        "admin.reset_nothing", key="staff_channel", value="#staff"
    )


async def test_bad_keys_and_values_list_the_valid_choices(console: ConsoleDriver) -> None:
    """Errors name what would have been accepted, and change nothing."""
    out = await console.feed(
        "admin /entraide config set colour blue",
        "admin /entraide config set language klingon",
        "admin /entraide config set thread_intro maybe",
        "admin /entraide config set language",
    )
    every_key = ", ".join(CommunityDefaults.model_fields)  # in the order settings list them
    assert out[1].endswith(f'"colour" isn\'t a valid key. Choose one of: {every_key}.')
    assert out[3].endswith("language: expected one of: en, fr. Nothing was changed.")
    assert out[5].endswith("expected one of: true, false. Nothing was changed.")
    assert out[7].endswith("Missing value. Usage: /entraide config set KEY VALUE")
    assert await q.override_count(console.app.db) == 0


async def test_misconfigured_channels_are_refused(console: ConsoleDriver) -> None:
    """A channel the bot can't see is refused before anything is stored."""
    out = await console.feed(
        "admin /entraide channels add-help #nowhere",
        "admin /entraide config set help_channels #help, #ghost",
        "admin /entraide channels add-help #help",
        "admin /entraide channels remove-help #general",
    )
    assert [console.said(out[n]) for n in (1, 3, 5, 7)] == [Said("entraide", "only admin")] * 4
    assert [console.text(out[n]) for n in (1, 3, 5, 7)] == [
        message("error.unknown_channel", value="#nowhere"),
        message("error.unknown_channel", value="#ghost"),
        message("admin.already_help", channel="#help"),
        message("admin.not_help", channel="#general"),
    ]
    assert await q.override_count(console.app.db) == 0


async def test_help_channels_take_effect_at_once(console: ConsoleDriver) -> None:
    """Adding #general as a help channel makes posts there questions; removing stops it."""
    await console.feed("admin /entraide channels add-help #general")
    out = await console.feed("dave in #general: Offline mode?")
    assert "Question Q1 is open" in out[1]
    await console.feed("admin /entraide channels remove-help #general")
    out = await console.feed("dave in #general: Another?")
    assert len(out) == 1


async def test_language_switch_changes_the_bot_voice(console: ConsoleDriver) -> None:
    """With language fr, the bot answers in French."""
    out = await console.feed("admin /entraide config set language fr")
    assert console.said(out[1]) == Said("entraide", "only admin")
    assert console.text(out[1]) == message(
        "admin.set_done", lang="fr", key="language", value="fr", old="en"
    )
    out = await console.feed("alice: Comment exporter ?")
    assert "La question Q1 est ouverte" in out[1]
    assert out[1].endswith("[Marquer résolue]")


async def test_settings_survive_a_restart(tmp_path: Path) -> None:
    """Overrides live in the database: a new process on the same file keeps them."""
    async with console_community(tmp_path / "db.sqlite") as first:
        await first.feed("admin /entraide config set language fr")
    async with console_community(tmp_path / "db.sqlite") as second:
        out = await second.feed("alice: Bonjour ?")
    assert "La question Q1 est ouverte" in out[1]


async def test_help_lists_commands_by_role(console: ConsoleDriver) -> None:
    """Members see member commands; admins also see admin ones."""
    member = "\n".join(await console.feed("alice /entraide help"))
    admin = "\n".join(await console.feed("admin /entraide help"))
    assert "/solved [QUESTION]" in member
    assert "/entraide config set" not in member
    assert "/entraide config set" in admin


async def test_a_channel_named_twice_shows_once(console: ConsoleDriver) -> None:
    """help_channels naming #help two ways (`#help`, `<#help>`): shown once, by name."""
    await console.feed("admin /entraide config set help_channels #help, <#help>, #general")
    out = await console.feed("admin /entraide channels show")
    assert console.said(out[1]) == Said("entraide", "only admin")
    assert console.text(out[1]) == message("admin.channels", help="#help, #general", staff="#staff")


async def test_the_calibrated_gate_shows_its_value(tmp_path: Path) -> None:
    """With the shipped defaults (suggest_min_similarity unset), `config show` says auto and
    the value calibrated for the community's language; a number replaces it, auto returns."""
    async with console_community(
        tmp_path / "e.db", settings=default_settings(), knowledge_dir=FIXTURE_KB
    ) as console:
        calibrated = console.app.knowledge.gate("en")
        assert calibrated is not None
        out = await console.feed("admin /entraide config show")
        auto = message("admin.auto_gate", value=f"{calibrated:.2f}")
        shown = next(line for line in out if line.startswith("M"))
        assert f"• suggest_min_similarity = {auto} (default)" in console.text(shown)
        out = await console.feed("admin /entraide config set suggest_min_similarity 0.7")
        assert "0.7" in console.text(out[-1])
        out = await console.feed("admin /entraide config set suggest_min_similarity auto")
        assert auto in console.text(out[-1])
