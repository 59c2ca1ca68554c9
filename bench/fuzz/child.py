"""One target's fuzz run in a process of its own (so its peak memory is its own).

``python -m bench.fuzz.child --target NAME --inputs N --out FILE [--engine atheris]``
writes the target's tally as JSON to FILE (``--max-seconds`` ends it sooner, with the
inputs run by then). With atheris, the package's modules are
instrumented for coverage and libFuzzer mutates (``-len_control=0``: the whole length
from the start, since the seeds are long); the first byte of each input picks how it is
used: 3 (of 4) makes a JSON tree mutation of a seed from the rest of the bytes, for the
text targets; anything else is the input itself. libFuzzer bounds each input's time
(``-timeout``, a hang) and the process's memory (``-rss_limit_mb``); either ends the run
with an artifact saved, and the parent reports it.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

#: libFuzzer's own hang limit (s): well above the engine's per-input CPU bound, which
#: files a slow input as a crash and goes on.
LIBFUZZER_TIMEOUT_S = 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz.child")
    parser.add_argument("--target", required=True)
    parser.add_argument("--inputs", type=int, required=True)
    parser.add_argument("--engine", choices=("builtin", "atheris"), default="builtin")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-bound", type=float, default=2.0)
    parser.add_argument("--rss-limit-mb", type=int, default=1024)
    parser.add_argument("--max-seconds", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--artifacts", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.engine == "atheris":
        return _atheris(args)
    from bench.fuzz.corpus import load_corpus
    from bench.fuzz.engine import run_builtin
    from bench.fuzz.targets import build_targets

    target = build_targets(load_corpus())[args.target]
    tally = run_builtin(target, args.inputs, args.seed, args.time_bound, args.max_seconds)
    _write(args.out, tally.to_json())
    return 0


def _atheris(args: argparse.Namespace) -> int:
    import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

    with atheris.instrument_imports(include=["gridnode"]):
        from bench.fuzz.corpus import load_corpus
        from bench.fuzz.engine import Tally, check_one, cpu_alarm, peak_rss_mb
        from bench.fuzz.mutate import mutate_json_text
        from bench.fuzz.targets import build_targets

    import time

    target = build_targets(load_corpus())[args.target]
    tally = Tally(target.name, "atheris", args.time_bound, rss_start_mb=peak_rss_mb())
    started = time.perf_counter()

    class Provided:
        def __init__(self, fdp: Any) -> None:
            self.fdp = fdp

        def below(self, n: int) -> int:
            return int(self.fdp.ConsumeIntInRange(0, n - 1))

        def raw(self, n: int) -> bytes:
            return bytes(self.fdp.ConsumeBytes(n))

    deadline = started + args.max_seconds if args.max_seconds else None

    def one(data: bytes) -> None:
        if deadline is not None and time.perf_counter() > deadline:
            # libFuzzer's own -max_total_time ends the process without the exit
            # handlers, so the tally would be lost: end here with it written
            finish()
            os._exit(0)
        if data and data[0] % 4 == 3 and target.json_text:
            fdp = atheris.FuzzedDataProvider(data[1:])
            seed = target.seeds[fdp.ConsumeIntInRange(0, len(target.seeds) - 1)]
            data = mutate_json_text(seed, Provided(fdp), target.max_len)
        elif data:
            data = data[1:]
        check_one(target, data, tally)

    def finish() -> None:
        tally.seconds = time.perf_counter() - started
        tally.rss_peak_mb = peak_rss_mb()
        _write(args.out, tally.to_json())
        shutil.rmtree(seeds, ignore_errors=True)  # libFuzzer adds what it found

    atexit.register(finish)
    seeds = Path(tempfile.mkdtemp(prefix=f"fuzz-{target.name}-"))
    for i, seed in enumerate(target.seeds):
        (seeds / f"seed-{i}").write_bytes(b"\x00" + seed)
        if target.json_text:
            (seeds / f"tree-{i}").write_bytes(b"\x03" + bytes([i]) * 64)
    artifacts = args.artifacts or Path(tempfile.gettempdir())
    artifacts.mkdir(parents=True, exist_ok=True)
    flags = [
        f"-atheris_runs={args.inputs}",
        f"-seed={args.seed}",
        f"-max_len={target.max_len + 1}",
        "-len_control=0",
        f"-timeout={LIBFUZZER_TIMEOUT_S}",
        f"-rss_limit_mb={args.rss_limit_mb}",
        f"-artifact_prefix={artifacts}/{target.name}-",
        "-print_final_stats=1",
    ]

    with cpu_alarm():
        atheris.Setup([sys.argv[0], *flags, str(seeds)], one)
        atheris.Fuzz()
    return 0


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
