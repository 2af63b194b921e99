"""What every benchmark shares: its command line (--smoke, --repeat), a clock, best-of, the JSON result line.

A benchmark prints what it measured in German lines for people and, as its very last line, one JSON object
for scripts (benchmarks/run_smoke.py reads it). ``--smoke`` runs a small size in a few seconds: it checks that
the benchmark still works and that its results are plausible, not how fast anything is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
if str(ROOT) not in sys.path:  # this checkout's toolkit, installed or not
    sys.path.insert(0, str(ROOT))

from toolkit.core.runtime import clear_memos  # noqa: E402 - after the path of this checkout
from toolkit.core.workspace import Workspace  # noqa: E402


def without_pictures(workspace: Workspace) -> None:
    """Remove the folder's drawn pictures (report/picture_cache.py): a run that draws all, as the first one does."""
    shutil.rmtree(workspace.picture_cache, ignore_errors=True)


def arguments(doc: str, repeat: int = 3, smoke_repeat: int = 1) -> argparse.ArgumentParser:
    """The parser every benchmark starts from: --smoke and --repeat (best of N counts)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=doc)
    parser.add_argument("--smoke", action="store_true",
                        help="small size, a few seconds: does the benchmark work and are the results plausible?")
    parser.add_argument("--repeat", type=int, default=None,
                        help=f"repetitions of each timed part; the fastest counts (default {repeat}, "
                             f"with --smoke {smoke_repeat})")
    parser.set_defaults(default_repeat=repeat, smoke_repeat=smoke_repeat)
    return parser


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if args.repeat is None:
        args.repeat = args.smoke_repeat if args.smoke else args.default_repeat
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished child processes (pool workers, subprocesses)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Clock:
    """Wall-clock and CPU seconds of a block (CPU including finished children: less disturbed by other load). What the
    process keeps of files read before (core/runtime.ContentMemo: catalogue, map outlines, protected table) is
    forgotten first: `toolkit` runs each command in a process of its own."""

    def __enter__(self) -> Clock:
        clear_memos()  # every timed run reads its files as the command's own process would
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


class Timings:
    """Times of named parts over the repetitions; ``best`` keeps the fastest of each (wall and CPU)."""

    def __init__(self) -> None:
        self.runs: dict[str, list[float]] = {}

    def note(self, name: str, clock: Clock) -> None:
        self.runs.setdefault(f"{name}_s", []).append(clock.wall)
        self.runs.setdefault(f"{name}_cpu_s", []).append(clock.cpu)

    def best(self) -> dict[str, float]:
        return {name: round(min(times), 3) for name, times in self.runs.items()}


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 2) if denominator > 0 else float("inf")


class Implausible(Exception):
    """A benchmark's result is not what its workload must give: the benchmark (or the toolkit) is broken."""


def require(condition: bool, message: str) -> None:
    """Stop the benchmark with ``message`` unless ``condition`` holds (kept under ``python -O`` too)."""
    if not condition:
        raise Implausible(message)


def emit(result: dict[str, object]) -> None:
    """The JSON result line; always the last line a benchmark prints."""
    print(json.dumps(result, ensure_ascii=False), flush=True)
