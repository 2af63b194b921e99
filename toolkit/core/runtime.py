"""How the toolkit uses the interpreter for speed: the one process pool and the one pause of the cycle collector.

Worker processes: ``multiprocessing.Pool`` of the platform's start method.

Why not ``concurrent.futures.ProcessPoolExecutor``: it hangs under Wine (its wait on pipe handles), where the
Windows suite runs; ``multiprocessing.Pool`` works there, on Windows (spawn) and on Linux alike. Functions and
arguments sent to a worker must be picklable module-level objects; a worker's state is set once per process
by ``initializer``.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool


def cpu_count() -> int:
    return os.cpu_count() or 1


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
