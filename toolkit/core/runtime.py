"""The one way the toolkit uses worker processes: ``multiprocessing.Pool`` of the platform's start method.

Why not ``concurrent.futures.ProcessPoolExecutor``: it hangs under Wine (its wait on pipe handles), where the
Windows suite runs; ``multiprocessing.Pool`` works there, on Windows (spawn) and on Linux alike. Functions and
arguments sent to a worker must be picklable module-level objects; a worker's state is set once per process
by ``initializer``.
"""

from __future__ import annotations

import contextlib
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

