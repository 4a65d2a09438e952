"""Settings problems as one line for the operator: files, ENTRAIDE_* variables, values.

Everything load_settings reads passes through here first, so no start-up failure reaches
the operator as a traceback (pydantic-settings would raise its own error on an unparsable
JSON variable; tomllib a UnicodeDecodeError on bad bytes).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from bot.settings.reasons import from_error

ENV_PREFIX = "ENTRAIDE_"
LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
# Examples for list settings whose default is empty (an empty list shows nothing).
LIST_EXAMPLES = {"slack_admins": ["U0123ABCD"], "slack_staff": ["U0123ABCD"]}


class SettingsError(Exception):
    """A configuration problem, phrased as one line for the operator."""

    def __init__(self, message: str) -> None:
        # A value quoted in the reason may hold line breaks: the line stays one line.
        super().__init__(LINE_BREAKS.sub(" ", message))


def read_toml(path: Path) -> dict[str, Any]:
    """Read one TOML file, turning every failure into a SettingsError naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM (Windows editors) is fine
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError(
            f"{path}: not UTF-8 text: byte {exc.start} (line {line}) is "
            f"0x{raw[exc.start]:02x}; save the file as UTF-8"
        ) from None
    if not text.strip():
        raise SettingsError(
            f"{path}: the config file is empty; write settings in it (see "
            "config/example.toml), or delete it and drop --config / ENTRAIDE_CONFIG to run "
            "on the defaults"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


def config_from_env(env: Mapping[str, str]) -> Path | None:
    """The file ENTRAIDE_CONFIG names; set but empty is an error, not "no file"."""
    for name, value in env.items():
        if name.upper() == ENV_PREFIX + "CONFIG":
            if not value.strip():
                raise SettingsError(
                    "environment: ENTRAIDE_CONFIG is set but empty; name a config file, "
                    "or unset it to run on the defaults"
                )
            return Path(value)
    return None


def check_env(model: type[BaseModel], env: Mapping[str, str]) -> None:
    """Mistyped ENTRAIDE_* names, and JSON values that don't parse, named one by one."""
    known = {name.upper() for name in model.model_fields} | {"CONFIG"}
    for name, value in env.items():
        if not name.upper().startswith(ENV_PREFIX):
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        if path[0].upper() not in known:
            valid = ", ".join(sorted(ENV_PREFIX + k for k in known))
            raise SettingsError(f"environment: {name}: unknown setting (valid: {valid})")
        field = field_at(model, tuple(path))
        if field is None or not _is_json(field.annotation):
            continue
        try:
            json.loads(value)
        except ValueError:
            kind, example = _json_example(path[-1], field)
            raise SettingsError(
                f"environment: {name}: expected a JSON {kind}, e.g. '{example}' (got {value!r})"
            ) from None


def _is_json(annotation: Any) -> bool:
    """Whether pydantic-settings reads this field's variable as JSON (lists, tables)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    if get_origin(annotation) in (list, dict, set, tuple):
        return True
    return any(_is_json(arg) for arg in get_args(annotation) if arg is not type(None))


def _json_example(name: str, field: FieldInfo) -> tuple[str, str]:
    """('list', '["help"]') or ('object', '{"language": "fr"}') for a field."""
    ann = field.annotation
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        first = next(iter(ann.model_fields))
        default = ann.model_fields[first].get_default(call_default_factory=True)
        return "object", json.dumps({first: default}, ensure_ascii=False, default=str)
    default = field.get_default(call_default_factory=True) or LIST_EXAMPLES.get(name, ["…"])
    return "list", json.dumps(default, ensure_ascii=False, default=str)


def field_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> FieldInfo | None:
    """The field a location names (community.timezone); None if there is no such field."""
    field = None
    for part in loc:
        if model is None:
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        ann = field.annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None  # type: ignore[assignment]
    return field


def _has_path(data: Mapping[str, Any], loc: tuple[str | int, ...]) -> bool:
    node: Any = data
    for part in loc:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _valid_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        ann = field.annotation if field else None
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return []
        model = ann
    return list(model.model_fields)


def describe(
    model: type[BaseModel],
    exc: ValidationError,
    origin: list[tuple[Path, dict[str, Any]]],
    env: Mapping[str, str],
) -> str:
    """One line naming the source, the key, why the value doesn't fit and an example."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc)
    source = "environment"
    env_names = {name.upper() for name in env}
    prefixes = {
        ENV_PREFIX + "__".join(str(p) for p in loc[:n]).upper() for n in range(1, len(loc) + 1)
    }
    if not env_names & prefixes:
        for path, data in reversed(origin):
            if _has_path(data, loc):
                source = str(path)
                break
    if err["type"] == "extra_forbidden":
        valid = ", ".join(_valid_keys(model, loc))
        return f"{source}: {key}: unknown key (valid keys here: {valid})"
    reason = from_error(err, field_at(model, loc))
    cause = err.get("ctx", {}).get("error")
    why = str(reason or cause or err["msg"])
    if "input" in err and not isinstance(err["input"], Mapping):
        why += f" (got {err['input']!r})"
    return f"{source}: {key}: {why}"
