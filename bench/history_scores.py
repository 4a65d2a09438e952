"""Scores of history suggestions (pure): what the bot showed, the full ranking's MAP, and the
gate swept over the confidences recorded once (no second replay)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.retrieval import metrics

MODES = ("dense", "bm25", "hybrid")
FLOORS = tuple(round(0.50 + 0.05 * i, 2) for i in range(10))  # 0.50 … 0.95
TARGET_PRECISION = 0.80


@dataclass(frozen=True)
class Hit:
    """One ranked thread: its corpus id and the confidence the gate reads (the cosine with
    the model; the share of the question found in bm25 mode)."""

    id: str
    confidence: float


@dataclass(frozen=True)
class QueryRun:
    """What one query got: the threads shown by the bot, and each mode's top 10."""

    id: str
    relevant: frozenset[str]  # relevant and among the candidates
    shown: tuple[str, ...]
    ranked: Mapping[str, tuple[Hit, ...]]


@dataclass(frozen=True)
class Shown:
    """Coverage and precision at 1 of suggestions shown."""

    queries: int
    covered: int  # queries with at least one thread shown
    correct: int  # of those, how many had a relevant thread first

    @property
    def coverage(self) -> float:
        """Share of queries that got a suggestion."""
        return self.covered / self.queries if self.queries else 0.0

    @property
    def precision(self) -> float | None:
        """Precision at 1 of what was shown (None when nothing was)."""
        return self.correct / self.covered if self.covered else None


@dataclass(frozen=True)
class SweepRow:
    """The gate at one floor."""

    floor: float
    shown: Shown


def relevant_of(relevant: Sequence[str], candidates: Sequence[str]) -> frozenset[str]:
    """The relevant threads that count: a thread outside the candidates was never judged."""
    return frozenset(relevant) & frozenset(candidates)


def shown_figures(lists: Sequence[tuple[Sequence[str], frozenset[str]]]) -> Shown:
    """Coverage and P@1 over (shown threads, relevant) pairs, one per query."""
    covered = [(shown, rel) for shown, rel in lists if shown]
    correct = sum(shown[0] in rel for shown, rel in covered)
    return Shown(len(lists), len(covered), correct)


def gated(hits: Sequence[Hit], floor: float, most: int) -> list[str]:
    """What the bot shows of a ranking: its top `most`, those confident enough (as
    bot/cogs/suggestions/_history.confident filters the search's first hits)."""
    return [hit.id for hit in hits[:most] if hit.confidence >= floor]


def ranking_map(runs: Sequence[QueryRun], mode: str) -> float:
    """MAP@10 of a mode's full ranking, as `kb eval --whole-corpus` computes it."""
    return metrics.summarise([([h.id for h in r.ranked[mode]], set(r.relevant)) for r in runs])[
        "MAP"
    ]


def sweep(
    runs: Sequence[QueryRun], mode: str, most: int, floors: Sequence[float] = FLOORS
) -> list[SweepRow]:
    """Coverage and P@1 of what a mode would show at each floor of the gate."""
    return [
        SweepRow(
            floor, shown_figures([(gated(r.ranked[mode], floor, most), r.relevant) for r in runs])
        )
        for floor in floors
    ]


def best_floor(rows: Sequence[SweepRow], target: float = TARGET_PRECISION) -> SweepRow | None:
    """The floor with the highest coverage among those whose P@1 reaches `target` (the
    lowest such floor on a tie), or None if none does."""
    good = [r for r in rows if (r.shown.precision or 0.0) >= target]
    return max(good, key=lambda r: (r.shown.coverage, -r.floor), default=None)


def _cell(shown: Shown) -> str:
    precision = "-" if shown.precision is None else f"{shown.precision:.2f}"
    return f"{shown.coverage:.0%} ({shown.covered}/{shown.queries}), P@1 {precision}"


def render(
    runs: Sequence[QueryRun],
    modes: Sequence[str],
    floors: Mapping[str, float],
    most: int,
) -> str:
    """The markdown tables: each mode at its default gate with its MAP, then the sweep.

    `floors` gives each mode's default gate (the similarity floor, or the coverage floor
    for bm25); the row "bot (shown)" is what the bot itself recorded."""
    lines = [
        "| mode | gate | coverage, P@1 of shown | MAP@10 (full ranking) |",
        "|---|---|---|---|",
        f"| bot as shipped (recorded) | default | "
        f"{_cell(shown_figures([(r.shown, r.relevant) for r in runs]))} | |",
    ]
    for mode in modes:
        at_default = shown_figures(
            [(gated(r.ranked[mode], floors[mode], most), r.relevant) for r in runs]
        )
        lines.append(
            f"| {mode} | {_gate_name(mode)} ≥ {floors[mode]:.2f} | {_cell(at_default)} | "
            f"{ranking_map(runs, mode):.2f} |"
        )
    unanswerable = [r for r in runs if not r.relevant]
    if unanswerable:
        wrongly = sum(bool(r.shown) for r in unanswerable)
        lines.append(
            f"\n{len(unanswerable)} queries have no relevant thread: the bot showed one "
            f"to {wrongly} of them."
        )
    lines += ["", "| gate ≥ | " + " | ".join(modes) + " |", "|---" * (len(modes) + 1) + "|"]
    swept = {mode: sweep(runs, mode, most) for mode in modes}
    for at, floor in enumerate(FLOORS):
        cells = [_cell(swept[mode][at].shown) for mode in modes]
        lines.append(f"| {floor:.2f} | " + " | ".join(cells) + " |")
    lines.append("")
    for mode in modes:
        best = best_floor(swept[mode])
        said = (
            f"{best.floor:.2f} ({_cell(best.shown)})"
            if best is not None
            else f"none reaches P@1 {TARGET_PRECISION:.2f}"
        )
        lines.append(
            f"- {mode}: best {_gate_name(mode)} floor with P@1 ≥ {TARGET_PRECISION:.2f}: {said}"
        )
    return "\n".join(lines)


def render_probes(
    probes: Mapping[str, Sequence[QueryRun]],
    modes: Sequence[str],
    floors: Mapping[str, float],
    most: int,
) -> str:
    """Questions the history cannot answer: how many were shown a (necessarily wrong)
    thread by the bot, then at each floor of the gate, per probe set and mode."""
    lines = []
    for name, runs in probes.items():
        recorded = shown_figures([(r.shown, r.relevant) for r in runs])
        at_default = ", ".join(
            f"{mode} {_share(sweep(runs, mode, most, (floors[mode],))[0].shown)}" for mode in modes
        )
        lines.append(
            f"- {name}: {len(runs)} questions, shown a thread by the bot as shipped: "
            f"{_share(recorded)}; at the default gate: {at_default}"
        )
    names = list(probes)
    swept = {(n, m): sweep(probes[n], m, most) for n in names for m in modes}
    lines += [
        "",
        "| gate ≥ | " + " | ".join(f"{n}, {m}" for n in names for m in modes) + " |",
        "|---" * (len(names) * len(modes) + 1) + "|",
    ]
    for at, floor in enumerate(FLOORS):
        cells = [_share(swept[n, m][at].shown) for n in names for m in modes]
        lines.append(f"| {floor:.2f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _share(shown: Shown) -> str:
    return f"{shown.coverage:.0%} ({shown.covered}/{shown.queries})"


def _gate_name(mode: str) -> str:
    return "coverage" if mode == "bm25" else "cosine"
