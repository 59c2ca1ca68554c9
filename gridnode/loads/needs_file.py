"""Run time toward the daily needs, kept in a small JSON file across restarts.

Written atomically (a temporary file renamed over the old one). A file that cannot be
read is logged and ignored: the agent then counts the need from zero, which may run a
load longer than needed but never leaves it short.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger("gridnode.loads")


def load_needs(path: Path) -> dict[str, tuple[int, int]]:
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("state_file %s cannot be read (%s); daily needs count from zero", path, exc)
        return {}
    out: dict[str, tuple[int, int]] = {}
    if isinstance(doc, dict):
        for name, value in doc.items():
            if (
                isinstance(value, dict)
                and isinstance(value.get("run_ms"), int)
                and isinstance(value.get("deadline_ms"), int)
            ):
                out[str(name)] = (value["run_ms"], value["deadline_ms"])
    return out


def save_needs(path: Path, needs: dict[str, tuple[int, int]]) -> None:
    doc = {name: {"run_ms": r, "deadline_ms": d} for name, (r, d) in needs.items()}
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(doc))
        os.replace(tmp, path)
    except OSError as exc:
        log.error("state_file %s cannot be written (%s)", path, exc)
