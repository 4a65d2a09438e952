"""Article drafts from solved threads: written in the knowledge overlay (the data folder's
knowledge/, never the shipped folder), approved by staff into the same overlay."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path

from bot.retrieval.articles import DRAFTS
from bot.retrieval.text import fold

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def slugify(title: str) -> str:
    """A file name from a title: folded words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", fold(title))
    return "-".join(words)[:60].strip("-") or "article"


def write(
    kb_dir: Path, language: str, title: str, body: str, source: str, taken: Collection[str] = ()
) -> str:
    """Write a draft under drafts/<lang>/; returns its name (unique among drafts, the
    overlay's articles and the `taken` names of articles served). OSError if the folder
    can't be written."""
    base = slugify(title)
    name, n = base, 1
    while (
        name in taken
        or (kb_dir / DRAFTS / language / f"{name}.md").exists()
        or (kb_dir / language / f"{name}.md").exists()
    ):
        n += 1
        name = f"{base}-{n}"
    folder = kb_dir / DRAFTS / language
    folder.mkdir(parents=True, exist_ok=True)
    # JSON strings are valid TOML basic strings: quotes and newlines come out escaped.
    front = "\n".join(
        [
            "+++",
            f"title = {json.dumps(title, ensure_ascii=False)}",
            "tags = []",
            f'lang = "{language}"',
            "aliases = []",
            "+++",
        ]
    )
    note = f"<!-- drafted from {source}; edit, then /kb approve {name} -->"
    text = f"{front}\n{body.strip()}\n\n{note}\n"
    (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return name


def approve(kb_dir: Path, name: str) -> Path | None:
    """Move a draft into the overlay's articles; the new path, or None if there is no such
    draft. OSError if the folder can't be written."""
    if not SLUG_RE.match(name):
        return None
    for draft in sorted((kb_dir / DRAFTS).glob(f"*/{name}.md")):
        target = kb_dir / draft.parent.name / draft.name
        if target.exists():
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        draft.rename(target)
        return target
    return None
