"""Script lines from bytes (a file, stdin) or typed text: UTF-8, and only "\\n" ends a line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Undecodable:
    """A line whose bytes are not UTF-8: the first bad byte and its 1-based position."""

    byte: int
    position: int


ScriptLine = str | Undecodable


def split_script(data: bytes) -> list[ScriptLine]:
    """The lines of a script. Only b"\\n" ends a line (a "\\r" before it goes too): form
    feeds, a lone "\\r", U+0085 and U+2028 are text, as the member typed them."""
    parts = data.split(b"\n")
    if parts and not parts[-1]:
        parts.pop()  # the newline that ends the last line starts no new one
    return [decode_line(part.removesuffix(b"\r")) for part in parts]


def decode_line(raw: bytes) -> ScriptLine:
    """One line's bytes as text, or where they stop being UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Undecodable(raw[exc.start], exc.start + 1)


def from_text(line: str) -> ScriptLine:
    """A line read as text (the prompt, tests): lone surrogates stand for bytes that were
    not UTF-8 (Python's surrogateescape), so such a line is Undecodable."""
    try:
        line.encode("utf-8")
        return line
    except UnicodeEncodeError:
        pass
    try:
        raw = line.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        raw = line.encode("utf-8", "surrogatepass")
    return decode_line(raw)
