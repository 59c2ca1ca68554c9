#!/usr/bin/env python3
"""The fault drill's supply checks again, on a finished run's kept files (docs/drill.md).

    .venv/bin/python scripts/drill.py --full --seed 16 --dir DIR > docs/drill.json
    .venv/bin/python scripts/drill_supply.py DIR

Prints one JSON document: the relay against the money (``relay_cut``,
``relay_restore``) as the checks now count it; exit code 0 when they find nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.drill.recheck import recheck_supply


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the drill's --dir")
    args = parser.parse_args()
    report = recheck_supply(args.dir)
    json.dump(dataclasses.asdict(report), sys.stdout, indent=2)
    print()
    return 0 if not report.problems else 1


if __name__ == "__main__":
    sys.exit(main())
