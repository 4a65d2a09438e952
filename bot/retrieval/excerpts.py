"""An article's excerpt (pure): its first sentences as one line of Markdown that keeps inline
code (`/privacy export`, `ENTRAIDE_CONFIG`) and the characters members type (`#help`, Q<n>),
built around the sentence that holds the article's first command when that one comes late.

A "command" is the first code of the body: an inline code span, or a fenced block of one
line (shown inline). Longer fenced blocks are left out: they don't read as a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCED_RE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
CODE_RE = re.compile(r"(`+)(.+?)\1")
# A line that starts a block of its own: a list item, a heading, a quote or a blank line.
BLOCK_RE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|>|$)")
BULLET_RE = re.compile(r"^\s*(?:[-*+]\s+|#{1,6}\s+|>\s*)")
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
AUTOLINK_RE = re.compile(r"<(https?://[^>\s]+)>")
# Emphasis marks only where they open and close around words: snake_case and 2*3 stay.
STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EMPHASIS_RE = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")
SENTENCE_END_RE = re.compile(r"[.!?…]\s+")
NUMBERED_RE = re.compile(r"\d+[.)]\s+")  # "1. " opens a list item, it ends no sentence
LEAD = 60  # characters before a command when its sentence is too long to show whole
STOPS = tuple(".!?…")  # marks that end a sentence
PAUSES = (*STOPS, ":", ";", ",")  # marks after which a block goes on without a full stop


@dataclass(frozen=True)
class Flat:
    """The body on one line, where its sentences start and where its code spans are."""

    text: str
    starts: tuple[int, ...]
    codes: tuple[tuple[int, int], ...]  # (start, end) of each code span, backticks included


def excerpt(markdown: str, limit: int = 180) -> str:
    """At most `limit` characters of the body, cut at a word with "…": its start if that
    shows the first command, else the first sentence, " … " and the command's sentence
    (or the few words before the command, when its sentence is too long)."""
    flat = flatten(markdown)
    head = cut(flat, 0, "", limit)
    if not flat.codes:
        return head
    command = flat.text[slice(*flat.codes[0])]
    code_start = flat.codes[0][0]
    sentence = max(s for s in flat.starts if s <= code_start)
    lead = _lead(flat, sentence, code_start)
    first = flat.text[: flat.starts[1]].rstrip() if len(flat.starts) > 1 else ""
    opening = f"{first} … " if first and sentence >= len(first) else ""
    candidates = [
        head,
        cut(flat, sentence, opening, limit) if opening else "",
        cut(flat, sentence, "", limit),
        cut(flat, lead, opening.rstrip() or "…", limit),
        cut(flat, lead, "…", limit),
    ]
    return next((c for c in candidates if command in c), cut(flat, code_start, "…", limit))


def first_command(markdown: str) -> str | None:
    """The body's first code as the excerpt shows it (`/privacy export`), or None."""
    flat = flatten(markdown)
    return flat.text[slice(*flat.codes[0])] if flat.codes else None


def cut(flat: Flat, start: int, opening: str, limit: int) -> str:
    """`opening` then the text from `start`: whole if it fits, else cut at a word outside
    code with "…"."""
    text = opening + flat.text[start:]
    if len(text) <= limit:
        return text
    shift = len(opening) - start
    end = text.rfind(" ", 0, limit)
    for code_start, code_end in flat.codes:
        if code_start + shift < end < code_end + shift:
            end = text.rfind(" ", 0, code_start + shift + 1)  # never half a command
    return text[: max(end, 0)].rstrip(" ,;:") + "…"


def _lead(flat: Flat, sentence: int, code_start: int) -> int:
    """Where to start in a sentence too long to show whole: at most LEAD characters before
    its command, at a clause (after a comma, colon or semicolon) if one starts there, else at
    a word; never inside code."""
    inside = {i for start, end in flat.codes for i in range(start + 1, end)}
    words = [
        i
        for i in range(max(sentence + 1, code_start - LEAD), code_start + 1)
        if flat.text[i - 1] == " " and flat.text[i] not in ":;!?»" and i not in inside
    ]
    clauses = [i for i in words if flat.text[i - 2] in ",:;"]
    return (clauses or words or [code_start])[0]


def flatten(markdown: str) -> Flat:
    """The body as one line of Markdown with only inline code left as markup."""
    parts: list[str] = []
    starts: list[int] = []
    codes: list[tuple[int, int]] = []
    length = 0
    for block in _blocks(FENCED_RE.sub(_fenced, markdown)):
        if parts:
            # List items and paragraphs without a closing mark read as sentences of their own.
            capital = block[:1].isupper()
            joint = " " if parts[-1].endswith(PAUSES) or not capital else ". "
            if parts[-1].endswith(STOPS) or capital or block[:1].isdigit():
                starts.append(length + len(joint))
            parts.append(joint)
            length += len(joint)
        else:
            starts.append(0)
        last = 0
        for found in CODE_RE.finditer(block):
            starts.extend(length + last + s for s in _sentence_starts(block[last : found.start()]))
            codes.append((length + found.start(), length + found.end()))
            last = found.end()
        starts.extend(length + last + s for s in _sentence_starts(block[last:]))
        parts.append(block)
        length += len(block)
    return Flat("".join(parts), tuple(sorted(set(starts))), tuple(codes))


def _fenced(found: re.Match[str]) -> str:
    """A one-line block as inline code on a block of its own; a longer one left out."""
    lines = [line.strip() for line in found.group(1).splitlines() if line.strip()]
    if len(lines) != 1:
        return "\n"
    tick = "``" if "`" in lines[0] else "`"
    return f"\n\n{tick}{lines[0]}{tick}\n\n"


def _blocks(text: str) -> list[str]:
    """Paragraphs, list items and headings, each on one line, their markers and inline
    markup (emphasis, links) gone; a wrapped line joins its paragraph."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            blocks.append([])
        elif BLOCK_RE.match(line) or not blocks:
            blocks.append([BULLET_RE.sub("", line)])
        else:
            blocks[-1].append(line)
    joined = (" ".join(" ".join(lines).split()) for lines in blocks)
    return [_inline(block) for block in joined if block]


def _inline(block: str) -> str:
    """Emphasis and links as their words; code spans untouched (masked meanwhile, so bold
    around a code span, **`/rep history`**, loses its marks too)."""
    spans = [found.group() for found in CODE_RE.finditer(block)]
    masked = CODE_RE.sub("\x00", block)
    words = iter(spans)
    return re.sub("\x00", lambda _: next(words), _words(masked))


def _words(text: str) -> str:
    text = LINK_RE.sub(r"\1", text)
    text = AUTOLINK_RE.sub(r"\1", text)
    text = STRONG_RE.sub(r"\2", text)
    return EMPHASIS_RE.sub(r"\2", text)


def _sentence_starts(text: str) -> list[int]:
    """Offsets in `text` where a sentence starts after a full stop (not at offset 0)."""
    return [
        found.end()
        for found in SENTENCE_END_RE.finditer(text)
        if found.end() < len(text) and not NUMBERED_RE.fullmatch(text[: found.end()])
    ]
