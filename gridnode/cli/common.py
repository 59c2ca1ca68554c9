"""What every gridnode command shares: JSON output, typed errors to exit codes, logging.

DESIGN.md, "The command line, one voice": with ``--json`` a command prints exactly one
JSON document on stdout; people-facing text and progress go to stderr. Exit codes: 0
success, 1 a check that failed, 2 bad usage or configuration, 3 a dependency unreachable.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from gridnode.errors import GridnodeError

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


def emit_json(document: object) -> None:
    """Print one JSON document on stdout."""
    click.echo(json.dumps(document, indent=2, sort_keys=False, default=str))


def say(message: str) -> None:
    """A line for a person, on stderr."""
    click.echo(message, err=True)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`GridnodeError` into its sentence on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except GridnodeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key in ("session_id", "peer", "node"):
            value = getattr(record, key, None)
            if value is not None:
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc)


#: Characters of a session id the text format shows (the JSON format keeps it whole).
SESSION_ID_CHARS = 8


class _TextFormatter(logging.Formatter):
    """One readable line; a session's or peer's line ends ``[session 1a2b3c4d… peer buyer-1]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        # the tag goes on the event's own line, before any traceback format() appends
        line = super().formatMessage(record)
        tags = []
        session_id = getattr(record, "session_id", None)
        if session_id is not None:
            text = str(session_id)
            short = text[:SESSION_ID_CHARS] + ("…" if len(text) > SESSION_ID_CHARS else "")
            tags.append(f"session {short}")
        peer = getattr(record, "peer", None)
        if peer is not None:
            tags.append(f"peer {peer}")
        return f"{line} [{' '.join(tags)}]" if tags else line


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """One line per event on stderr, as text or as JSON."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def status_socket_options(command: F) -> F:
    """``--node`` and ``--config``: which running node's status socket a command reads
    (the dashboard, ``gridnode status``); :func:`status_socket_path` resolves them."""
    command = click.option(
        "--config",
        "config",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        default=None,
        help="Read the status socket's path from this node configuration.",
    )(command)
    return click.option(
        "--node",
        "node",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="The node's status socket (its status_socket). Default: from --config, "
        "else ./status.sock.",
    )(command)


def status_socket_path(node: Path | None, config: Path | None) -> Path:
    """The status socket: ``--node``, else the one ``--config`` names, else
    ./status.sock."""
    if node is None and config is not None:
        from gridnode.config.settings import load_settings

        node = load_settings(config).status_socket
    return node or Path("status.sock")
