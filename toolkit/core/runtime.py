"""How the toolkit uses the interpreter for speed: the one process pool, the one policy of how many processes
work on what, the one pause of the cycle collector, and the one memo of what was read from a file's bytes.

Worker processes: ``multiprocessing.Pool`` of the platform's start method. How many: ``workers_for`` decides for
every stage from the size of the work (POOL_THRESHOLDS) and the setting ``prozesse`` of toolkit.toml.

Why not ``concurrent.futures.ProcessPoolExecutor``: it hangs under Wine (its wait on pipe handles), where the
Windows suite runs; ``multiprocessing.Pool`` works there, on Windows (spawn) and on Linux alike. Functions and
arguments sent to a worker must be picklable module-level objects; a worker's state is set once per process
by ``initializer``.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.pool import Pool
from typing import Generic, TypeVar

from toolkit.core.progress import SILENT, Progress

T = TypeVar("T")
R = TypeVar("R")
_MEMOS: weakref.WeakSet = weakref.WeakSet()  # every ContentMemo of this process (clear_memos)
AUTOMATIC_MAX_PROCESSES = 4  # "prozesse = 0" (automatic): as many as there are cores, at most this many


@dataclass(frozen=True)
class PoolThreshold:
    """From what ``size`` (in the stage's own measure) and how many ``items`` (jobs) on a stage's work is shared by
    several processes."""

    size: int
    items: int = 2


# Measured on 2 shared cores; below a threshold starting processes costs more than it saves.
POOL_THRESHOLDS = {
    # returns/workers.py: total bytes of the files to check, and at least four files
    "check": PoolThreshold(3_000_000, items=4),
    # collect/distribute.py: cells of the workbooks. Magdeburg's 16 offices, ~8,500 cells, 0.14 s alone;
    # 34,000 cells 0.36 s alone vs 0.22 s with 2 workers; 68,000 cells 0.75 s vs 0.43 s
    "distribute": PoolThreshold(30_000),
    # report/charts.py: charts. 12 charts 1.2 s alone vs 1.05 s in the pool; the gain grows with their number
    "charts": PoolThreshold(12, items=12),
}


def cpu_count() -> int:
    return os.cpu_count() or 1


def workers_for(kind: str, size: int, items: int | None = None, processes: int = 0) -> int:
    """How many processes share a stage's work; 1 means this process alone, and no pool is started.

    ``kind``: a key of POOL_THRESHOLDS; ``size``: the work in that stage's measure (bytes, cells, charts, rows);
    ``items``: the number of jobs (files, workbooks, charts), never more processes than jobs; ``processes``: the
    setting ``prozesse`` of toolkit.toml (0 = automatic: as many as there are cores, at most
    AUTOMATIC_MAX_PROCESSES; 1 = never worker processes; n = at most n).
    """
    threshold = POOL_THRESHOLDS[kind]
    limit = min(cpu_count(), AUTOMATIC_MAX_PROCESSES) if processes <= 0 else processes
    if items is not None:
        if items < threshold.items:
            return 1
        limit = min(limit, items)
    return 1 if limit <= 1 or size < threshold.size else limit


@contextlib.contextmanager
def process_pool(workers: int, initializer: Callable[..., object] | None = None,
                 initargs: tuple = ()) -> Iterator[Pool]:
    """A pool of ``workers`` processes; closed and joined on success, terminated on any error."""
    pool = multiprocessing.get_context().Pool(processes=workers, initializer=initializer, initargs=initargs)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()



def map_in_pool(function: Callable[[T], R], items: Sequence[T], kind: str, *, processes: int = 0,
                progress: Progress | None = None, label: str = "") -> list[R]:
    """``function`` over ``items``, results in order; in a pool when ``workers_for(kind, len(items), …)`` says so.

    For stages whose measure of work is the number of items (charts) and whose workers need no state of their own.
    """
    progress = progress or SILENT
    workers = workers_for(kind, len(items), len(items), processes)
    if workers <= 1:
        return [function(item) for item in progress.track(items, label)]
    chunk = max(1, len(items) // (workers * 4))
    with process_pool(workers) as pool:
        results = pool.imap(function, items, chunksize=chunk)
        return [next(results) for _ in progress.track(range(len(items)), label)]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside the block (re-entrant; the collector resumes after, whatever happens).

    Building a collection plan or reading 50 returns creates up to a million small objects without a reference
    cycle (keys, slots, readings); the collector would traverse the growing heap again and again (a quarter of
    the time of a merge, more than building a plan). Reference counting still frees everything; the next pass
    after the block frees what only the collector can (xlsxwriter's workbook and worksheets refer to each other).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def clear_memos() -> None:
    """Forget what every ContentMemo of this process keeps: what follows reads as a new process would (the benchmarks
    time each run of a command as its own process)."""
    for memo in list(_MEMOS):
        memo.clear()


class ContentMemo(Generic[R]):
    """What this process read from a file, by the SHA-256 of the file's bytes (and what else the reading depended
    on): the same bytes again (a later step of one command, another command of a test or a round, a copy of the
    folder) are not parsed again. Keeps the ``kept`` most recent. Keep only immutable values, or copy on the way in
    and out; keep nothing that raised."""

    def __init__(self, kept: int = 4) -> None:
        self.kept = kept
        self._values: OrderedDict[tuple, R] = OrderedDict()
        _MEMOS.add(self)

    def clear(self) -> None:
        self._values.clear()

    @staticmethod
    def key(data: bytes, *depends: object) -> tuple:
        return (hashlib.sha256(data).digest(), *depends)

    def get(self, key: tuple) -> R | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: tuple, value: R) -> None:
        self._values[key] = value
        while len(self._values) > self.kept:
            self._values.popitem(last=False)
