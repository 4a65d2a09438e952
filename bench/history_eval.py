"""History suggestions on a real forum (SemEval-2016 dev, Qatar Living): its 500 threads
replayed through the console community, then its 50 queries asked as new questions, and
what the bot showed scored against the data's judgements.

    python -m bench.history_eval [--data DIR] [--limit N] [--modes dense,bm25,hybrid]

The replay is untimed (the clock stands still): each thread in date order is posted by its
asker as "title\\nbody", every answer is replied by its answerer, and the asker reacts ✅ to
every answer labelled Good (the forum has no marks; Good is the stand-in), so threads with a
Good answer by someone else enter the history. Each query is then asked by a new member:
the threads shown are read from kb_suggestions ("history:<id>"), and each mode's full
ranking from History.search with the gate off. Scores in bench/history_scores.py.

Then the probes: questions the forum cannot answer (bench/data/offtopic_en.txt, a software
product's support questions; bench/data/neartopic_en.txt, the same sharing the forum's
words), each asked by a new member; any thread shown to them is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import replay_data
from bench.community_replay import DATA, START
from bench.history_scores import MODES, Hit, QueryRun, relevant_of, render, render_probes
from bot.adapters.console.adapter import COMMUNITY, ConsoleAdapter, ConsoleOutput
from bot.adapters.console.translate import Action
from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.retrieval.backends import load_embedder
from bot.retrieval.history import question_of
from bot.runtime.app import App
from bot.settings import Settings, load_settings
from bot.storage import knowledge, questions
from bot.storage.questions import Question

RANKED = 10  # MAP is over the top 10
PROBES = {
    "off-topic": Path(__file__).parent / "data" / "offtopic_en.txt",
    "near-topic": Path(__file__).parent / "data" / "neartopic_en.txt",
}


@dataclass(frozen=True)
class Query:
    """A query of the data set."""

    id: str
    text: str  # "title\nbody"
    relevant: frozenset[str]


@dataclass
class Replayed:
    """What the replay did, for the closing lines."""

    threads: int = 0
    replies: int = 0
    marks: int = 0
    solved: int = 0  # threads in the history when the queries were asked
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    floors: dict[str, float] = field(default_factory=dict)  # each mode's default gate
    most: int = 2
    probes: dict[str, list[QueryRun]] = field(default_factory=dict)  # per probe set


def load_queries(data_dir: Path) -> list[Query]:
    """queries.jsonl; a relevant thread outside the candidates counts as not relevant."""
    found = []
    with (data_dir / "queries.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            relevant = relevant_of(row.get("relevant", []), row.get("candidates", []))
            found.append(Query(str(row["id"]), str(row["query"]), relevant))
    return found


def load_probe(path: Path) -> list[str]:
    """A probe file: one question a line, blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def _settings(folder: Path) -> Settings:
    """The shipped defaults with an empty knowledge base: only history can be suggested."""
    settings = load_settings(environ={})
    empty = folder / "empty-knowledge"
    empty.mkdir(exist_ok=True)
    retrieval = settings.retrieval.model_copy(update={"knowledge_dir": empty})
    return settings.model_copy(update={"retrieval": retrieval})


class Forum:
    """Plays the forum through a console community. Posts go in as actions, not script
    lines: a script line has no line break, and the title/body split is what the bot sees
    of a Discord or Slack post (query views, indexed views)."""

    def __init__(self, app: App, adapter: ConsoleAdapter, replayed: Replayed) -> None:
        self.asked = 0  # new members so far: each query or probe has its own
        self.app = app
        self.adapter = adapter
        self.replayed = replayed
        self.community_id = 0

    async def act(self, action: Action) -> None:
        """One member action; a refused one is kept in `errors`."""
        before = len(self.adapter.output.lines)
        await self.adapter.player._play(action)
        refused = [x for x in self.adapter.output.lines[before:] if x.startswith("!")]
        self.replayed.errors.extend(refused)

    async def ask(self, member: str, text: str) -> Question:
        """Post a question in the help channel; the question it became."""
        channel = self.app.settings.community.help_channels[0]
        await self.act(Action("post", name=member, text=text, channel=channel))
        posted = self.adapter.state.latest_by(member, member)
        assert posted is not None
        async with self.app.db.read() as conn:
            question = await questions.by_root_message(conn, self.community_id, posted.platform_id)
        if question is None:
            raise RuntimeError(f"{member}'s post did not become a question: {text[:60]!r}")
        return question

    async def thread(self, q: replay_data.Question, answers: Sequence[replay_data.Answer]) -> int:
        """Replay one thread: the question, its answers in date order, the asker's ✅."""
        asker = replay_data.member_name(q.user)
        question = await self.ask(asker, _text(q.title, q.body))
        self.replayed.threads += 1
        for a in sorted(answers, key=lambda a: a.date):
            author = replay_data.member_name(a.user)
            await self.act(
                Action("reply", name=author, ref=question.ref, text=replay_data.one_line(a.text))
            )
            self.replayed.replies += 1
            if a.label == "Good" and author != asker:
                await self.act(Action("react", name=asker, ref=f"^{author}", emoji="✅"))
                self.replayed.marks += 1
        return question.id

    async def query(self, query: Query, modes: Sequence[str], by_id: dict[int, str]) -> QueryRun:
        """Ask a query as a new member; what was shown, and each mode's full ranking."""
        self.asked += 1
        member = f"newcomer{self.asked}"
        question_id = (await self.ask(member, query.text[: replay_data.MAX_TEXT])).id
        async with self.app.db.read() as conn:
            shown = await knowledge.shown_for(conn, question_id)
        keys = shown.articles if shown is not None else ()
        shown_ids = tuple(by_id[q] for q in map(question_of, keys) if q is not None)
        config = await self.app.community_config(self.community_id)
        vectors = await self.app.knowledge.embed(query.text)
        ranked = {}
        for mode in modes:
            hits = await self.app.history.search(
                self.community_id,
                query.text,
                config.language,  # as the suggestions cog searches
                min_marks=config.history_min_marks,
                limit=RANKED,
                query_vectors=None if mode == "bm25" else vectors,
                exclude=(question_id,),
                mode=mode,  # type: ignore[arg-type]
            )
            ranked[mode] = tuple(Hit(by_id[h.thread.question_id], h.confidence) for h in hits)
        return QueryRun(query.id, query.relevant, shown_ids, ranked)


def _text(title: str, body: str) -> str:
    """A forum post as a member types it: the title, then the body on the next line."""
    text = f"{title.strip()}\n{body.strip()}" if body.strip() else title.strip()
    return text[: replay_data.MAX_TEXT] or "…"


async def evaluate(
    data_dir: Path,
    embedder: Embedder | None,
    modes: Sequence[str] = MODES,
    limit: int | None = None,
    probes: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[QueryRun], Replayed]:
    """Replay the forum on a fresh database, ask and score every query, then ask each probe
    set's questions (kept in `Replayed.probes`, none relevant)."""
    threads, answers = replay_data.load(data_dir, limit)
    by_thread: dict[str, list[replay_data.Answer]] = {}
    for a in answers:
        by_thread.setdefault(a.question_id, []).append(a)
    queries = load_queries(data_dir)
    replayed = Replayed()
    with tempfile.TemporaryDirectory(prefix="entraide-history-") as tmp:
        folder = Path(tmp)
        app = App(
            _settings(folder),
            clock=Clock(START, frozen=True),
            db_path=folder / "history.db",
            embedder_loader=lambda: embedder,
        )
        adapter = ConsoleAdapter(app, ConsoleOutput())
        app.add_adapter(adapter)
        await app.start()
        try:
            forum = Forum(app, adapter, replayed)
            forum.community_id = await app.community_id(COMMUNITY)
            config = await app.community_config(forum.community_id)
            replayed.most = config.history_max
            replayed.floors = {
                m: config.history_min_coverage if m == "bm25" else config.history_min_similarity
                for m in modes
            }
            started = time.perf_counter()
            by_id: dict[int, str] = {}
            for q in sorted(threads, key=lambda q: q.date):
                by_id[await forum.thread(q, by_thread.get(q.id, []))] = q.id
            replayed.solved = len(
                await app.history.threads(forum.community_id, config.history_min_marks)
            )
            runs = [await forum.query(query, modes, by_id) for query in queries]
            for name, texts in (probes or {}).items():
                replayed.probes[name] = [
                    await forum.query(Query(f"{name}{n}", text, frozenset()), modes, by_id)
                    for n, text in enumerate(texts, 1)
                ]
            replayed.seconds = time.perf_counter() - started
        finally:
            await app.stop()
    return runs, replayed


@dataclass(frozen=True)
class Options:
    """What to run."""

    data: Path = DATA
    limit: int | None = None
    modes: tuple[str, ...] = MODES


async def run(options: Options | None = None) -> None:
    """Replay, ask, and print the tables (skipped when the data is absent)."""
    options = options or Options()
    if not (options.data / "corpus.jsonl").is_file():
        print(f"history_eval: skipped, no data at {options.data}")
        return
    loaded = time.perf_counter()
    embedder = load_embedder(load_settings(environ={}).retrieval.model)
    if embedder is None:
        print("history_eval: the embedding model could not be loaded")
        return
    model_seconds = time.perf_counter() - loaded
    probes = {name: load_probe(path) for name, path in PROBES.items()}
    runs, replayed = await evaluate(options.data, embedder, options.modes, options.limit, probes)
    print(render(runs, options.modes, replayed.floors, replayed.most))
    print("\n" + render_probes(replayed.probes, options.modes, replayed.floors, replayed.most))
    print(
        f"\nhistory_eval: {replayed.threads} threads replayed ({replayed.replies} replies, "
        f"{replayed.marks} ✅ by the asker on Good answers: the data has no marks, Good is the "
        f"stand-in), {replayed.solved} solved threads in the history; {len(runs)} queries, "
        f"{sum(map(len, replayed.probes.values()))} probes; "
        f"{replayed.seconds:.0f} s (model load {model_seconds:.0f} s); "
        f"{len(replayed.errors)} refused actions; history_max {replayed.most}"
    )
    for error in replayed.errors[:5]:
        print(f"  {error}")


def parse(argv: Sequence[str] | None = None) -> Options:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.history_eval", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help="the semeval2016-dev folder")
    parser.add_argument("--limit", type=int, default=None, help="replay the first N threads")
    parser.add_argument("--modes", default=",".join(MODES), help="dense,bm25,hybrid")
    args = parser.parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if not modes or any(m not in MODES for m in modes):
        parser.error(f"--modes takes some of {','.join(MODES)}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return Options(args.data, args.limit, modes)


def main(argv: Sequence[str] | None = None) -> None:
    """python -m bench.history_eval."""
    asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    main()
