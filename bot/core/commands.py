"""Neutral command specs: cogs declare commands once, each adapter registers them natively."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from bot.core.limits import ECHO, excerpt

OptionKind = Literal["word", "text", "int", "member", "channel", "question", "choice", "message"]

F = TypeVar("F", bound=Callable[..., Any])

QUESTION_REF_RE = re.compile(r"^[Qq]?(\d{1,9})$")
OWN_PARAMS = frozenset({"usage", "reason", "choices"})  # written by the bot, not echoed member text
# Words people type first for a command that lives in a group (`/help` is what most try).
ALIASES = {"help": "entraide help"}


@dataclass(frozen=True)
class Option:
    """One command argument. A `text` option takes the rest of the line and must be last."""

    name: str
    kind: OptionKind = "word"
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommandSpec:
    """A command as users see it: `name` may have spaces for groups ('entraide config set')."""

    name: str
    options: tuple[Option, ...] = ()
    admin_only: bool = False
    staff_only: bool = False
    handler_name: str = ""

    @property
    def help_key(self) -> str:
        """Catalogue key of the command's one-line help."""
        return "help." + self.name.replace(" ", ".")

    def usage(self, shown_as: str | None = None, fixed: Collection[str] = ()) -> str:
        """Usage line such as '/entraide config set KEY VALUE'; a platform may show the name
        otherwise (`shown_as`) and leave out options its command name fixes."""
        parts = [f"/{shown_as or self.name}"]
        for opt in (o for o in self.options if o.name not in fixed):
            # A long list of choices would drown the usage line; errors list them instead.
            few = opt.choices and len(opt.choices) <= 4
            label = "|".join(opt.choices) if few else opt.name.upper()
            parts.append(label if opt.required else f"[{label}]")
        return " ".join(parts)


def command(
    name: str, *options: Option, admin_only: bool = False, staff_only: bool = False
) -> Callable[[F], F]:
    """Mark a cog method as the handler of a slash command."""

    def mark(func: F) -> F:
        func.__entraide_command__ = CommandSpec(  # type: ignore[attr-defined]
            name=name,
            options=options,
            admin_only=admin_only,
            staff_only=staff_only,
            handler_name=func.__name__,
        )
        return func

    return mark


class ArgumentError(ValueError):
    """Bad command arguments; `key` names the catalogue message, `params` fill it."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        # A member's words echoed back are cut short: a 100 KB argument is no error line.
        self.params = {k: _short(k, v) for k, v in params.items()}


def _short(key: str, value: Any) -> Any:
    """A parameter's value as echoed: text cut at a word, except the bot's own (usage)."""
    return excerpt(value, ECHO) if isinstance(value, str) and key not in OWN_PARAMS else value


class Resolver(Protocol):
    """Platform-specific lookup of member and channel tokens typed by a user."""

    def member(self, token: str) -> str | None:
        """Member id for '@name' / '<@U123>' / 'name', or None if unknown."""
        ...

    def channel(self, token: str) -> str | None:
        """Channel id for '#name' / '<#C123>', or None if unknown."""
        ...

    def message(self, token: str) -> str | None:
        """Platform message id for a message reference the user typed, or None."""
        ...


@dataclass
class CommandTable:
    """All registered commands, for lookup by the words a user typed."""

    specs: dict[str, CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        """Register a spec; a clash of names is a programming error."""
        if spec.name in self.specs:
            raise ValueError(f"command /{spec.name} is defined twice")
        self.specs[spec.name] = spec

    def match(self, words: list[str]) -> tuple[CommandSpec | None, int]:
        """Longest registered name that prefixes `words`; returns (spec, words used)."""
        lowered = [w.lower() for w in words]
        for n in range(min(len(words), 4), 0, -1):
            spec = self.specs.get(" ".join(lowered[:n]))
            if spec is not None:
                return spec, n
        alias = ALIASES.get(lowered[0]) if lowered else None
        if alias is not None and alias in self.specs:
            return self.specs[alias], 1
        return None, 0

    def suggestions(self, words: list[str]) -> list[str]:
        """Next words that would continue the longest known group prefix of `words`."""
        lowered = [w.lower() for w in words]
        for n in range(min(len(lowered), 3), 0, -1):
            prefix = lowered[:n]
            following = {
                name.split(" ")[n]
                for name in self.specs
                if name.split(" ")[:n] == prefix and len(name.split(" ")) > n
            }
            if following:
                return sorted(following)
        return []


def split_words(text: str) -> list[str]:
    """Split a command line like a shell would, tolerating unbalanced quotes."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def rest_after(text: str, words: list[str]) -> str:
    """The text after its leading `words` (as split_words found them), quotes kept."""
    rest = text
    for word in words:
        at = rest.lower().find(word.lower())
        rest = rest[at + len(word) :] if at >= 0 else rest
    return rest.strip()


def parse_options(spec: CommandSpec, rest: str, resolver: Resolver) -> dict[str, Any]:
    """Turn the text after a command's name into typed options, or raise ArgumentError."""
    words = split_words(rest)
    values: dict[str, Any] = {}
    for index, opt in enumerate(spec.options):
        if _any_order(spec.options[index:]):
            _fill_any_order(spec, spec.options[index:], words[index:], resolver, values)
            return values
        if opt.kind == "text":
            text = " ".join(words[index:]).strip()
            if not text and opt.required:
                raise ArgumentError("error.missing_option", option=opt.name, usage=spec.usage())
            if text:
                values[opt.name] = text
            return values
        if index >= len(words):
            if opt.required:
                raise ArgumentError("error.missing_option", option=opt.name, usage=spec.usage())
            continue
        values[opt.name] = convert_option(opt, words[index], resolver)
    if len(words) > len(spec.options):
        extra = " ".join(words[len(spec.options) :])
        raise ArgumentError("error.extra_arguments", extra=extra, usage=spec.usage())
    return values


# Which option a token is offered first when several optional ones could take it: the
# strictest kind first, so '2' is a page number before it is a (Slack) channel name.
_STRICTNESS = ("choice", "int", "question", "message", "member", "channel", "word")


def _any_order(options: tuple[Option, ...]) -> bool:
    """Two or more trailing optional options (no free text): typed in any order."""
    return len(options) >= 2 and all(not o.required and o.kind != "text" for o in options)


def _fill_any_order(
    spec: CommandSpec,
    options: tuple[Option, ...],
    words: list[str],
    resolver: Resolver,
    values: dict[str, Any],
) -> None:
    """Each word goes to the strictest open option that accepts it (`/questions 2`,
    `/questions open #help 2`); a word none accepts gets the first open option's error."""
    waiting = list(options)
    for at, token in enumerate(words):
        if not waiting:
            raise ArgumentError(
                "error.extra_arguments", extra=" ".join(words[at:]), usage=spec.usage()
            )
        errors: dict[str, ArgumentError] = {}
        for opt in sorted(waiting, key=lambda o: _STRICTNESS.index(o.kind)):
            try:
                values[opt.name] = convert_option(opt, token, resolver)
            except ArgumentError as exc:
                errors[opt.name] = exc
                continue
            waiting.remove(opt)
            break
        else:
            raise errors[waiting[0].name]


def convert_option(opt: Option, token: str, resolver: Resolver) -> Any:
    """Convert one token according to the option's kind."""
    if opt.kind == "int":
        try:
            return int(token)
        except ValueError:
            raise ArgumentError("error.not_a_number", option=opt.name, value=token) from None
    if opt.kind == "choice":
        if token.lower() not in opt.choices:
            raise ArgumentError(
                "error.bad_choice",
                option=opt.name,
                value=token,
                choices=", ".join(opt.choices),
            )
        return token.lower()
    if opt.kind == "question":
        found = QUESTION_REF_RE.match(token)
        if not found:
            raise ArgumentError("error.bad_question_ref", value=token)
        return int(found.group(1))
    if opt.kind == "member":
        member_id = resolver.member(token)
        if member_id is None:
            raise ArgumentError("error.unknown_member", value=token)
        return member_id
    if opt.kind == "message":
        message_id = resolver.message(token)
        if message_id is None:
            raise ArgumentError("error.unknown_message", value=token)
        return message_id
    if opt.kind == "channel":
        channel_id = resolver.channel(token)
        if channel_id is None:
            raise ArgumentError("error.unknown_channel", value=token)
        return channel_id
    return token
