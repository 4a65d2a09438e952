"""Article drafts from solved threads: written beside the knowledge base, approved by staff."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.retrieval.articles import DRAFTS
from bot.retrieval.text import fold

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def slugify(title: str) -> str:
    """A file name from a title: folded words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", fold(title))
    return "-".join(words)[:60].strip("-") or "article"


def write(kb_dir: Path, language: str, title: str, body: str, source: str) -> str:
    """Write a draft under drafts/<lang>/; returns its name (unique among drafts and articles)."""
    base = slugify(title)
    name, n = base, 1
    while (kb_dir / DRAFTS / language / f"{name}.md").exists() or (
        kb_dir / language / f"{name}.md"
    ).exists():
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
    """Move a draft into the knowledge base; the new path, or None if there is no such draft."""
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
