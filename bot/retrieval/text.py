"""Tokenising for BM25: lowercase words, stop words dropped, Snowball stems (en, fr)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources

import Stemmer

WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
# Mentions carry no topic: Discord <@id> <@!id> <@&role> <#channel>, Slack <@U1|name>
# <#C1|name> <!here>, and the plain @everyone / @here.
MENTION_MARKUP_RE = re.compile(r"<[@#!][^<>\s]*>|@(?:everyone|here)\b")


def _stopwords(language: str) -> frozenset[str]:
    text = resources.files("bot.retrieval").joinpath(f"stopwords/{language}.txt").read_text("utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(words)


# Short lists: the words that carry no topic in support questions.
STOPWORDS = {language: _stopwords(language) for language in ("en", "fr")}
STEMMERS = {"en": "english", "fr": "french"}
# Bump when tokenize() changes, so cached article tokens are recomputed.
TOKENIZER_VERSION = "1"


def fold(text: str) -> str:
    """Lowercase and strip accents, so 'Réglages' and 'reglages' match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS.get(language, "english"))


def tokenize(text: str, language: str = "en") -> list[str]:
    """Index terms of a text: folded words minus stop words, stemmed."""
    stop = STOPWORDS.get(language, STOPWORDS["en"])
    words = []
    for match in WORD_RE.finditer(text.lower()):
        word = match.group(0).replace("’", "'")
        if "'" in word:  # l'aide → aide, don't → don't stays one token
            head, _, tail = word.partition("'")
            word = tail if len(head) <= 2 and language == "fr" else word
        if word in stop or (len(word) < 2 and not word.isdigit()):
            continue
        words.append(fold(word))
    return list(_stemmer(language).stemWords(words))


def without_mentions(text: str) -> str:
    """The text with mention markup removed, so ids don't dilute what the question asks."""
    return re.sub(r"[ \t]{2,}", " ", MENTION_MARKUP_RE.sub(" ", text)).strip()


def query_views(text: str) -> list[str]:
    """Texts to embed for a question: the whole, and for multi-line posts the first line
    (often a title) and the rest apart. On SemEval-2016 dev, averaging their scores beats the
    whole text alone when searching the whole corpus (+4.9 MAP dense, 95% CI +1.3 to +8.4)
    but not beyond noise when re-ranking (+0.6, CI -0.1 to +1.4): see bench/README.md."""
    whole = text.strip()
    head, _, rest = whole.partition("\n")
    if rest.strip() and head.strip():
        return [whole, head.strip(), rest.strip()]
    return [whole or " "]


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Jaccard overlap of two token lists."""
    left, right = set(a), set(b)
    return len(left & right) / len(left | right) if left | right else 0.0
