"""Knowledge-base articles: Markdown files with TOML front matter between `+++` lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

# tomli is the standard tomllib compiled (mypyc): 3x faster on 10,000 front matters.
import tomli

from bot.retrieval import excerpts

FENCE = "+++"
LANGUAGES = ("en", "fr")
KNOWN_KEYS = {"title", "tags", "lang", "aliases", "url"}
TOML_LINE_RE = re.compile(r"at line (\d+)")
# HTML comments are notes for editors (a draft's "drafted from Q4 …"): members never see
# them. Fenced code keeps its text.
COMMENT_RE = re.compile(r"(```.*?```)|<!--.*?-->", re.S)


@dataclass(frozen=True)
class Article:
    """One article; `key` ('en/marking-solved') is unique, `slug` is what users type."""

    slug: str
    lang: str
    title: str
    body: str
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    url: str | None = None
    path: str = ""

    @property
    def key(self) -> str:
        """Unique id across languages."""
        return f"{self.lang}/{self.slug}"

    @cached_property
    def plain_body(self) -> str:
        """The body without markup, worked out once: hashes, BM25 and embeddings all read
        it, and at 10,000 articles the regexes took 1.5 s of every start."""
        return plain(self.body)

    @property
    def dense_texts(self) -> tuple[str, ...]:
        """What gets embedded: the title, each alias (other phrasings), and the text."""
        return (self.title, *self.aliases, f"{self.title}. {self.plain_body[:1000]}")

    @property
    def lexical_text(self) -> str:
        """What BM25 indexes: title and aliases count twice, then the body."""
        head = "\n".join((self.title, *self.aliases))
        return f"{head}\n{head}\n{' '.join(self.tags)}\n{self.plain_body}"

    def content_hash(self, model: str) -> str:
        """Changes whenever what we embed (or the model) changes."""
        digest = hashlib.sha256(model.encode())
        for text in self.dense_texts:
            digest.update(b"\x00" + text.encode())
        return digest.hexdigest()

    def tokens_hash(self, tokenizer_version: str) -> str:
        """Changes whenever what BM25 indexes (or the tokenizer) changes."""
        digest = hashlib.sha256(f"{tokenizer_version}\x00{self.lang}\x00".encode())
        digest.update(self.lexical_text.encode())
        return digest.hexdigest()

    def excerpt(self, limit: int = 180) -> str:
        """At most `limit` characters of the body on one line, its inline code kept as
        Markdown (`/privacy export`) and its first command shown (see excerpts.py)."""
        return excerpts.excerpt(self.body, limit)


@dataclass(frozen=True)
class ArticleError:
    """A malformed article: where and what."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def plain(markdown: str) -> str:
    """Markdown without the markup that would pollute search (excerpts keep more)."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`>#]+", "", text)
    return re.sub(r"^\s*[-+]\s+", "", text, flags=re.M)


def without_comments(markdown: str) -> str:
    """Markdown without its HTML comments (those inside fenced code stay)."""
    return COMMENT_RE.sub(lambda found: found.group(1) or "", markdown)


def parse_article(path: Path, text: str) -> Article | ArticleError:
    """Parse one file's text; every problem comes back as an ArticleError with its line."""
    name = str(path)
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return ArticleError(name, 1, f"must start with a '{FENCE}' front matter line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        return ArticleError(name, 1, f"front matter is not closed by a '{FENCE}' line")
    try:
        meta = tomli.loads("\n".join(lines[1:end]))
    except tomli.TOMLDecodeError as exc:
        found = TOML_LINE_RE.search(str(exc))
        # "at end of document" has no line: blame the last front matter line.
        line = int(found.group(1)) + 1 if found else end
        return ArticleError(name, line, f"front matter is not valid TOML: {exc}")
    problem = _check_meta(meta)
    if problem:
        key, message = problem
        return ArticleError(name, _line_of(lines, key, end), message)
    body = without_comments("\n".join(lines[end + 1 :])).strip()
    if not body:
        return ArticleError(name, end + 2, "the article has no text after the front matter")
    return Article(
        slug=path.stem,
        lang=meta["lang"],
        title=meta["title"].strip(),
        body=body,
        tags=tuple(meta.get("tags", ())),
        aliases=tuple(a.strip() for a in meta.get("aliases", ()) if a.strip()),
        url=meta.get("url") or None,
        path=name,
    )


def _check_meta(meta: dict[str, Any]) -> tuple[str, str] | None:
    unknown = sorted(set(meta) - KNOWN_KEYS)
    if unknown:
        return unknown[0], f"unknown key '{unknown[0]}' (known: {', '.join(sorted(KNOWN_KEYS))})"
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        return "title", "'title' must be a non-empty string"
    if meta.get("lang") not in LANGUAGES:
        return "lang", f"'lang' must be one of {', '.join(LANGUAGES)}"
    for key in ("tags", "aliases"):
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return key, f"'{key}' must be a list of strings"
    if "url" in meta and not isinstance(meta["url"], str):
        return "url", "'url' must be a string"
    return None


def _line_of(lines: list[str], key: str, end: int) -> int:
    """1-based line where `key` is set in the front matter (or the opening fence)."""
    for number in range(1, end):
        if lines[number].split("=", 1)[0].strip() == key:
            return number + 1
    return 1


DRAFTS = "drafts"  # a folder of article drafts under the knowledge base, not served


def load_directory(directory: Path) -> tuple[list[Article], list[ArticleError]]:
    """Every *.md under `directory`; malformed or duplicate articles are reported, not loaded."""
    articles: dict[str, Article] = {}
    errors: list[ArticleError] = []
    for path in sorted(directory.rglob("*.md")):
        if path.name.lower() == "readme.md" or DRAFTS in path.relative_to(directory).parts[:-1]:
            continue  # drafts wait for /kb approve
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(ArticleError(str(path), 1, f"cannot read: {exc}"))
            continue
        parsed = parse_article(path, text)
        if isinstance(parsed, ArticleError):
            errors.append(parsed)
        elif parsed.key in articles:
            first = articles[parsed.key].path
            errors.append(ArticleError(str(path), 1, f"duplicate of {first} ({parsed.key})"))
        else:
            articles[parsed.key] = parsed
    return list(articles.values()), errors
