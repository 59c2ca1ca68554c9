"""The one configuration reader: a TOML table read into typed values, every mistake kept.

A bad configuration file must produce one sentence per bad field, not only the first
(the CLI prints them all and exits with code 2). :class:`Table` reads fields and records
a sentence for each one that is missing or of the wrong kind, returning a placeholder so
reading can go on; :meth:`Problems.raise_if_any` ends it with one :class:`ConfigError`.
Every table a reader opens ends with :meth:`Table.unknown_keys`: a key nobody read is
reported (usually a typo of a real one), so no setting is ever silently ignored.

Environment overrides: ``GRIDNODE_LND__HOST=...`` sets ``lnd.host`` (``__`` separates
the levels); the value is read as TOML when it parses as a TOML value (numbers, booleans,
quoted strings, arrays), and as a plain string otherwise.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, TypeVar

from gridnode.errors import UsageError

T = TypeVar("T")
ENV_PREFIX = "GRIDNODE_"


class ConfigError(UsageError):
    """The configuration has mistakes; ``problems`` holds one sentence per bad field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} has {len(problems)} problem(s):\n{lines}")


class Problems:
    """The sentences collected while reading one file (``source`` names it)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []
        #: What loads but should be fixed (a secret file others can read): one sentence
        #: each, carried by the settings, logged at start and shown in the status.
        self.warnings: list[str] = []

    def add(self, sentence: str) -> None:
        self.items.append(sentence)

    def warn(self, sentence: str) -> None:
        self.warnings.append(sentence)

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.source, self.items)


class Table:
    """One TOML table, read field by field; mistakes go to ``problems``."""

    def __init__(self, doc: Mapping[str, Any], path: str, problems: Problems) -> None:
        self.doc = doc
        self.path = path
        self.problems = problems
        self._seen: set[str] = set()

    def name(self, key: str) -> str:
        """The dotted name a person sees for ``key`` of this table (``terms.period_s``)."""
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.doc

    def get(self, key: str, kind: type[T], default: T | None = None, *, hint: str = "") -> T:
        """The value of ``key``; a missing required key or a wrong kind is a problem."""
        self._seen.add(key)
        if key not in self.doc:
            if default is not None:
                return default
            self.problems.add(f"{self.name(key)} is missing{_hint(hint)}")
            return _placeholder(kind)
        value = self.doc[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problems.add(
                f"{self.name(key)} must be {_kind_name(kind)}, not {value!r}{_hint(hint)}"
            )
            return default if default is not None else _placeholder(kind)
        return value

    def optional(self, key: str, kind: type[T]) -> T | None:
        if key not in self.doc:
            self._seen.add(key)
            return None
        return self.get(key, kind)

    def positive(self, key: str, default: int | None = None, *, hint: str = "") -> int:
        value = self.get(key, int, default, hint=hint)
        raw = self.doc.get(key)
        if isinstance(raw, int) and not isinstance(raw, bool) and raw <= 0:
            self.problems.add(f"{self.name(key)} must be above 0, not {value}{_hint(hint)}")
        return value

    def number_in(
        self, key: str, default: float, low: float, high: float, *, unit: str = "seconds"
    ) -> float:
        """A number from ``low`` to ``high`` (both allowed); outside it is a problem."""
        value = self.get(key, float, default)
        raw = self.doc.get(key)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and not low <= raw <= high:
            self.problems.add(
                f"{self.name(key)} must be from {low:g} to {high:g} {unit}, not {raw!r}"
            )
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(key, str, default)
        if value not in choices and key in self.doc:
            self.problems.add(
                f"{self.name(key)} must be one of {', '.join(choices)}, not {value!r}"
            )
        return value

    def path_value(self, key: str, base: Path, default: str | None = None) -> Path:
        """A file path, relative ones resolved against the configuration's folder."""
        text = self.get(key, str, default)
        path = Path(text).expanduser()
        return path if path.is_absolute() else base / path

    def table(self, key: str, *, required: bool = True) -> Table:
        self._seen.add(key)
        value = self.doc.get(key)
        if value is None:
            if required:
                self.problems.add(f"[{self.name(key)}] is missing")
            return Table({}, self.name(key), self.problems)
        if not isinstance(value, Mapping):
            self.problems.add(f"{self.name(key)} must be a table, not {value!r}")
            return Table({}, self.name(key), self.problems)
        return Table(value, self.name(key), self.problems)

    def tables(self, key: str) -> list[Table]:
        self._seen.add(key)
        value = self.doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.problems.add(f"{self.name(key)} must be a list of tables ([[{key}]])")
            return []
        return [Table(v, f"{self.name(key)}[{i}]", self.problems) for i, v in enumerate(value)]

    def unknown_keys(self, allowed: set[str] | None = None, *, of: str = "") -> None:
        """Report keys nobody read: usually a typo of a real one. ``of`` names what the
        table is when only some settings apply to it (``'a "gpio" relay (pin, ...)'``)."""
        known = self._seen | (allowed or set())
        for key in self.doc:
            if key in known:
                continue
            if of:
                self.problems.add(f"{self.name(key)} is not a setting of {of}")
            else:
                self.problems.add(f"{self.name(key)} is not a setting gridnode knows (a typo?)")


def load_toml(path: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read ``path`` and apply ``GRIDNODE_`` environment overrides."""
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise UsageError(
            f"config: {path} does not exist; create one with 'gridnode init'."
        ) from exc
    except OSError as exc:
        raise UsageError(f"config: cannot read {path} ({exc.strerror}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"the file is not valid TOML: {exc}"]) from exc
    apply_env_overrides(doc, os.environ if env is None else env)
    return doc


def apply_env_overrides(doc: MutableMapping[str, Any], env: Mapping[str, str]) -> None:
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX:
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__")]
        if keys[0] in {"cache", "bin", "demo_dir"}:  # set-up variables, not settings
            continue
        target: MutableMapping[str, Any] = doc
        for key in keys[:-1]:
            child = target.setdefault(key, {})
            if not isinstance(child, MutableMapping):
                break
            target = child
        else:
            target[keys[-1]] = _env_value(raw)


def _env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _hint(hint: str) -> str:
    return f" ({hint})" if hint else ""


def _kind_name(kind: type) -> str:
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
    }.get(kind, kind.__name__)


def _placeholder(kind: type[T]) -> T:
    return kind()
