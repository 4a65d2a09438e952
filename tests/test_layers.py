"""The layers of README's Architecture section, checked from every import in bot/."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"

# README "Layers": a package may import its own floor's neighbours and the floors below.
FLOOR = {
    "core": 0,
    "storage": 1,
    "settings": 1,
    "locales": 1,
    "retrieval": 2,
    "scheduler": 2,
    "insights": 2,
    "expertise": 2,
    "runtime": 3,
    "adapters": 4,
    "cogs": 4,
    "cli": 5,
    "__main__": 6,
}
# The two ways up, each for a reason: the registry discovers the feature packages it loads,
# and the Services port names the classes of the services it describes (type checking only).
UPWARD_ALLOWED = {
    ("runtime/registry.py", "bot.cogs", "run time"),
    ("core/services.py", "bot.locales", "typing"),
    ("core/services.py", "bot.retrieval.history", "typing"),
    ("core/services.py", "bot.retrieval.service", "typing"),
    ("core/services.py", "bot.scheduler.timers", "typing"),
    ("core/services.py", "bot.scheduler.wakeups", "typing"),
    ("core/services.py", "bot.settings", "typing"),
    ("core/services.py", "bot.storage.store", "typing"),
}
# Circles allowed: one adapter class split across files (its parts take the adapter).
SPLIT_CLASSES = {"bot.adapters.console", "bot.adapters.discord", "bot.adapters.slack"}


@dataclass(frozen=True)
class Import:
    """One `import bot.…` statement of a module."""

    source: str  # path under bot/
    module: str  # the dotted module imported (`from a.b import c`: a.b.c when c is one)
    when: str  # "run time", or "typing" inside `if TYPE_CHECKING:`


def module_name(path: Path) -> str:
    """The dotted name of a file of bot/."""
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in BOT.rglob("*.py")}


def imports(path: Path) -> list[Import]:
    """Every import of one of our modules in a file, and whether it is for typing only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    source = path.relative_to(BOT).as_posix()
    found = []
    for node in ast.walk(tree):
        when = "typing" if id(node) in typing_only else "run time"
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULES
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found += [Import(source, name, when) for name in names if name.split(".")[0] == "bot"]
    return found


def floor_of(dotted_or_path: str) -> tuple[str, int]:
    """The top package of a module (or a path under bot/) and its floor."""
    parts = dotted_or_path.replace("/", ".").removesuffix(".py").split(".")
    top = parts[1] if parts[0] == "bot" else parts[0]
    return top, FLOOR.get(top, -1)


def test_every_package_has_a_floor() -> None:
    """A new top-level package gets a place in README's diagram (and here)."""
    packages = {path.name for path in BOT.iterdir() if (path / "__init__.py").exists()}
    assert packages - FLOOR.keys() == set()


def test_no_package_imports_a_higher_floor() -> None:
    """Each floor imports only its neighbours and the floors below: nothing below
    bot/runtime/ imports it, and core imports nothing of ours (its port's types aside)."""
    upward = set()
    for path in MODULES.values():
        source_top, source_floor = floor_of(path.relative_to(BOT).as_posix())
        for found in imports(path):
            top, floor = floor_of(found.module)
            if top != source_top and floor > source_floor:
                upward.add((found.source, found.module, found.when))
    assert upward == UPWARD_ALLOWED


def test_cogs_see_the_runtime_only_as_a_handler_context() -> None:
    """Cogs depend on the Services port and the Context, never on the App or dispatcher."""
    reached = {
        (found.source, found.module)
        for path in MODULES.values()
        if path.relative_to(BOT).parts[0] in ("cogs", "expertise")
        for found in imports(path)
        if found.module.startswith("bot.runtime") and found.module != "bot.runtime.context"
    }
    assert reached == set()
    uses = [
        f"{path.relative_to(BOT)}:{number}"
        for path in MODULES.values()
        if path.relative_to(BOT).parts[0] == "cogs"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".app." in line or "app: App" in line
    ]
    assert uses == []


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, ()))
    return seen


def test_no_import_circle_except_inside_one_split_class() -> None:
    """No two modules need each other (typing imports count), except the files of one
    adapter class, whose parts are handed the adapter they belong to."""
    graph = {
        name: {found.module for found in imports(path) if found.module in MODULES} - {name}
        for name, path in MODULES.items()
    }
    reach = {name: _reachable(graph, name) for name in graph}
    circles = {
        tuple(sorted((name, other)))
        for name in graph
        for other in reach[name]
        if other != name and name in reach[other]
    }
    outside = {
        pair
        for pair in circles
        if not any(all(m.startswith(f"{split}.") for m in pair) for split in SPLIT_CLASSES)
    }
    assert outside == set()
