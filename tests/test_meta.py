"""House rules checked over the whole code base: cogs, commands, catalogues, imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core.cog import Cog
from bot.core.commands import CommandSpec
from bot.locales import LANGUAGES, Messages, load_catalogue, placeholders
from bot.runtime.registry import cog_modules
from bot.settings import project_dir
from bot.storage.db import Database
from tests import queries as q
from tests.fakes.console import ConsoleDriver

BOT = Path(__file__).resolve().parent.parent / "bot"
PLATFORM_LIBS = ("discord", "slack_bolt", "slack_sdk")
KEY_CALL = re.compile(
    r"""(?:\bt|tell|ArgumentError|ScriptError|messages\.get\([^,]+,)\(\s*"([a-z_]+\.[a-z_.-]+)\""""
)


def python_files(*parts: str) -> list[Path]:
    """Python files under bot/<parts>."""
    return sorted(BOT.joinpath(*parts).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_cog_package_has_setup_returning_a_named_cog() -> None:
    """Discovery finds the features, and each one builds a Cog with a name."""
    modules = cog_modules()
    assert {m.__name__.rsplit(".", 1)[1] for m in modules} >= {"admin", "questions"}
    for module in modules:
        assert callable(getattr(module, "setup", None)), module.__name__
        cog = module.setup(None)
        assert isinstance(cog, Cog)
        assert cog.name == module.__name__.rsplit(".", 1)[1]


@pytest.mark.parametrize("path", python_files("cogs") + python_files("core"), ids=str)
def test_cogs_and_core_never_import_a_platform_library(path: Path) -> None:
    """Platform code lives only in bot/adapters/<platform>."""
    assert not imported_modules(path) & set(PLATFORM_LIBS)


def test_no_print_in_the_bot_package() -> None:
    """Output goes through logging or the console output object (command-line modules aside)."""
    offenders = []
    for path in python_files():
        if path.relative_to(BOT).as_posix() in (
            "__main__.py",
            "cli/main.py",
            "cli/kb.py",
            "cli/migrate_db.py",
        ):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


async def test_commands_have_unique_names_and_help_in_every_language(
    console: ConsoleDriver,
) -> None:
    """Every registered command has one-line help in each catalogue."""
    specs: list[CommandSpec] = list(console.app.dispatcher.commands.specs.values())
    assert len({s.name for s in specs}) == len(specs)
    for language in LANGUAGES:
        catalogue = load_catalogue(language)
        missing = [s.name for s in specs if s.help_key not in catalogue]
        assert missing == [], f"{language}: no help for {missing}"


async def test_every_table_of_member_data_has_a_cog_that_erases_it(tmp_path: Path) -> None:
    """Privacy requests reach everything: each table with a member column (a reference to
    members) is in some cog's member_tables, and every such cog overrides delete_member_data."""
    cogs = [module.setup(None) for module in cog_modules()]
    no_hook = [
        cog.name
        for cog in cogs
        if cog.member_tables and type(cog).delete_member_data is Cog.delete_member_data
    ]
    assert no_hook == []
    db = Database(tmp_path / "schema.db")
    await db.open()
    try:
        with_member = {t for t in await q.tables(db) if await q.member_columns(db, t)}
    finally:
        await db.close()
    listed = {table for cog in cogs for table in cog.member_tables}
    assert sorted(with_member - listed) == []
    assert sorted(listed - with_member) == []  # a typo, or a table that lost its member column


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    """French says everything English says, with the same {placeholders}."""
    english, french = load_catalogue("en"), load_catalogue("fr")
    assert sorted(english) == sorted(french)
    for key, text in english.items():
        assert placeholders(text) == placeholders(french[key]), key


def test_every_message_key_used_in_code_exists() -> None:
    """A typo in a message key would show users the raw key."""
    messages = Messages()
    used = set()
    for path in python_files():
        used.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    assert used, "the key scanner found nothing: update KEY_CALL"
    assert sorted(k for k in used if not messages.has(k)) == []


def test_modules_stay_small() -> None:
    """A file past ~300 lines should become a package."""
    sizes = {str(p): len(p.read_text(encoding="utf-8").splitlines()) for p in python_files()}
    assert {p: n for p, n in sizes.items() if n > 320} == {}


def test_top_level_holds_only_the_entry_and_packages() -> None:
    """bot/ itself: __init__.py, __main__.py, py.typed; everything else lives in a package."""
    files = sorted(p.name for p in BOT.iterdir() if p.is_file())
    assert files == ["__init__.py", "__main__.py", "py.typed"]
    folders = [p for p in BOT.iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert [p.name for p in folders if not (p / "__init__.py").is_file()] == []


def test_project_dir_is_the_checkout_root_whatever_the_package_depth(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """config/ and examples/ are found beside bot/, not in the working directory."""
    monkeypatch.chdir(tmp_path)
    assert project_dir("config") == BOT.parent / "config"


def _imports_of(path: Path) -> set[str]:
    """Full dotted names a file imports (`from a.b import c` gives a.b and a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_cog_imports_another_cogs_private_module() -> None:
    """A cog's `_` modules are its own: what two cogs share lives in a neutral place
    (bot/expertise, bot/retrieval, bot/core, or a `bot/cogs/_shared.py` module)."""
    found = []
    for path in python_files("cogs"):
        parts = path.relative_to(BOT / "cogs").parts
        if len(parts) < 2:
            continue  # bot/cogs/_shared.py: the cogs' common floor, owned by none
        for name in _imports_of(path):
            dotted = name.split(".")
            if dotted[:2] != ["bot", "cogs"] or len(dotted) < 4:
                continue
            if dotted[2] != parts[0] and dotted[3].startswith("_"):
                found.append(f"{path.relative_to(BOT)} imports {name}")
    assert found == []


SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b")


def sql_literals(path: Path) -> list[str]:
    """String literals (docstrings aside) that read like SQL statements."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SQL.search(node.value)
    ]
    # An f-string whose statement only shows once its pieces are put together.
    return found + [
        text
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        and SQL.search(text := ast.unparse(node))
        and not any(
            isinstance(part, ast.Constant) and SQL.search(str(part.value)) for part in node.values
        )
    ]


def test_sql_lives_in_storage() -> None:
    """SQL is written only in bot/storage/: cogs, insights and CLIs call its named functions."""
    with_sql = {
        str(path.relative_to(BOT).as_posix())
        for path in python_files()
        if path.relative_to(BOT).parts[0] != "storage" and sql_literals(path)
    }
    assert with_sql == set()


def test_tests_use_named_queries() -> None:
    """Tests read the database through named helpers (tests/queries/, or bot/storage/), so a
    schema change is fixed in one place; storage's own tests may write SQL."""
    tests = Path(__file__).resolve().parent
    counts = {
        path.relative_to(tests).as_posix(): len(sql_literals(path))
        for path in sorted(tests.rglob("*.py"))
        if path.relative_to(tests).parts[0] not in ("storage", "queries")
    }
    with_sql = {path: n for path, n in counts.items() if n}
    # The one left is this file's own SQL regex.
    assert with_sql == {"test_meta.py": 1}
