"""The root of gridnode's typed errors.

Every error gridnode raises on purpose derives from :class:`GridnodeError`. Errors meant
for a person (bad configuration, an unreachable dependency) read as one sentence that
says what went wrong and how to fix it; the CLI prints that sentence and exits with the
error's ``exit_code`` (see DESIGN.md, "The command line, one voice").
"""

from __future__ import annotations


class GridnodeError(Exception):
    """Base class of every error gridnode raises deliberately."""

    #: Exit code the CLI uses when this error ends a command.
    exit_code: int = 1


class UsageError(GridnodeError):
    """Bad usage or bad configuration: names the field and the fix (exit code 2)."""

    exit_code = 2


class DependencyUnreachableError(GridnodeError):
    """LND, the meter or the peer could not be reached after retries (exit code 3)."""

    exit_code = 3
