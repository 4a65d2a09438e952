"""Knowledge-base files: front matter parsing, and malformed files reported, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.retrieval.articles import Article, ArticleError, load_directory, parse_article
from bot.settings import project_dir

GOOD = """+++
title = "How do I export?"
tags = ["export"]
lang = "en"
aliases = ["download my data", "  "]
url = "https://example.org/x"
+++
Open **Settings** and press [Export](https://example.org).
"""


def test_a_well_formed_article_parses() -> None:
    """Every front matter field lands in the Article; blank aliases are dropped."""
    article = parse_article(Path("kb/en/export.md"), GOOD)
    assert isinstance(article, Article)
    assert (article.key, article.slug, article.title) == ("en/export", "export", "How do I export?")
    assert article.aliases == ("download my data",)
    assert article.url == "https://example.org/x"
    assert article.excerpt() == "Open Settings and press Export."
    assert article.dense_texts[:2] == ("How do I export?", "download my data")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title = 'x'\n", 1, "must start with a '+++' front matter line"),
        ("+++\ntitle = 'x'\n", 1, "front matter is not closed"),
        ('+++\nlang = "en"\ntitle = "x\n+++\nbody\n', 3, "front matter is not valid TOML"),
        ('+++\nlang = "en"\n+++\nbody\n', 1, "'title' must be a non-empty string"),
        ('+++\ntitle = "x"\nlang = "de"\n+++\nbody\n', 3, "'lang' must be one of en, fr"),
        ('+++\ntitle = "x"\nlang = "en"\ntags = "a"\n+++\nbody\n', 4, "'tags' must be a list"),
        ('+++\ntitle = "x"\nlang = "en"\nauthor = "me"\n+++\nbody\n', 4, "unknown key 'author'"),
        ('+++\ntitle = "x"\nlang = "en"\n+++\n\n', 5, "no text after the front matter"),
    ],
)
def test_malformed_articles_name_their_line(text: str, line: int, message: str) -> None:
    """Each problem comes back with the file's line and a readable reason."""
    error = parse_article(Path("kb/en/bad.md"), text)
    assert isinstance(error, ArticleError)
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"kb/en/bad.md:{line}: ")


def test_load_directory_skips_bad_and_duplicate_files(tmp_path: Path) -> None:
    """Good files load; malformed, unreadable and duplicate ones are reported and skipped."""
    (tmp_path / "en").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "en" / "export.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "other" / "export.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "en" / "broken.md").write_text("no front matter", encoding="utf-8")
    (tmp_path / "en" / "binary.md").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "README.md").write_text("not an article", encoding="utf-8")
    articles, errors = load_directory(tmp_path)
    assert [a.key for a in articles] == ["en/export"]
    reasons = sorted(e.message.split(" ")[0] for e in errors)
    assert reasons == ["cannot", "duplicate", "must"]


def test_the_shipped_knowledge_base_is_valid_and_bilingual() -> None:
    """The starter KB loads without errors: at least 30 English and 10 French articles."""
    articles, errors = load_directory(project_dir("knowledge"))
    assert errors == []
    languages = [a.lang for a in articles]
    assert languages.count("en") >= 30
    assert languages.count("fr") >= 10
    english = {a.slug for a in articles if a.lang == "en"}
    assert {a.slug for a in articles if a.lang == "fr"} <= english
