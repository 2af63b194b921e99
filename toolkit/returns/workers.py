"""Reading and checking many returns in worker processes (large rounds only).

A worker reads and checks one file (``checks.check_one``) and sends back a compact copy: identity,
problems, the content of the planned cells as plain lists in the order of the plan's slots, and the rows
a merge stores (returns.PackedCells). The parent rebuilds plan and readings from those lists only if it
needs them (a Prüfbericht, duplicates across files), so hundreds of thousands of small objects never
travel between processes.
The raw rows of a sheet travel only if a problem points into it (the Prüfbericht copies that sheet).

Small rounds stay in one process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.core.problems import FileReport, Problem, Severity
from toolkit.core.progress import SILENT, Progress
from toolkit.core.runtime import paused_gc, process_pool
from toolkit.returns.reader import PackedCells, ReturnedWorkbook, read_return
from toolkit.returns.rules import RULES, StoreView, check_identity

POOL_MIN_BYTES = 3_000_000  # total size of the files to check: below, one process is faster
POOL_MIN_FILES = 4
POOL_MAX_WORKERS = 4


@dataclass(eq=False)
class CheckedFile:
    returned: ReturnedWorkbook
    report: FileReport


def check_one(path: Path, catalogue: Catalogue, view: StoreView) -> tuple[ReturnedWorkbook, FileReport]:
    """Read one file and run every rule that needs only this file (duplicates across files come later)."""
    returned = read_return(path, catalogue)
    report = FileReport(path.name, returned.office, returned.year, returned.sha256, list(returned.problems))
    if returned.readable:
        report.extend(check_workbook(returned, catalogue, view))
    elif returned.identity is not None:
        report.extend(check_identity(returned, view))
    return returned, report


def check_workbook(rw: ReturnedWorkbook, catalogue: Catalogue, view: StoreView) -> list[Problem]:
    problems = list(check_identity(rw, view))
    if any(p.severity == Severity.FEHLER for p in problems):
        return problems
    inputs = rw.by_role("input")
    unreadable = {(p.sheet, p.cell) for p in rw.problems if p.code == "keine-zahl"}
    for rule in RULES:
        problems.extend(rule(rw, inputs, catalogue, view, unreadable))
    return problems


def pack(returned: ReturnedWorkbook, report: FileReport) -> tuple[ReturnedWorkbook, FileReport]:
    """The checked file without plan, Reading objects and catalogue (see returns.PackedCells), ready to travel."""
    readings = returned.readings
    if returned.plan is not None and readings:
        returned.packed = PackedCells(None, [r.value for r in readings],
                                      {i: r.text for i, r in enumerate(readings) if r.text},
                                      frozenset(i for i, r in enumerate(readings) if r.formula),
                                      returned.delivered(),
                                      returned.history_values())
    wanted = {p.sheet for p in report.problems if p.sheet and p.cell}
    returned.sheet_rows = {name: rows for name, rows in returned.sheet_rows.items() if name in wanted}
    returned.plan, returned.readings = None, []
    return returned, report


def unpack(returned: ReturnedWorkbook, catalogue: Catalogue) -> ReturnedWorkbook:
    """The parent's catalogue for the lazy plan (the same content as the worker's, not a copy of it)."""
    if returned.packed is not None:
        returned.packed.catalogue = catalogue
    return returned


def pool_size(paths: Sequence[Path]) -> int:
    """Worker processes for checking ``paths``: 1 (no pool) for a round of ordinary size."""
    cpus = os.cpu_count() or 1
    if cpus < 2 or len(paths) < POOL_MIN_FILES:
        return 1
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue
    return 1 if size < POOL_MIN_BYTES else min(cpus, POOL_MAX_WORKERS, len(paths))


def check_all(paths: Sequence[Path], catalogue: Catalogue, view: StoreView,
              progress: Progress | None = None) -> Iterator[tuple[ReturnedWorkbook, FileReport]]:
    """Read and check every file, in the order given; with more than one worker in a process pool."""
    progress = progress or SILENT
    workers = pool_size(paths)
    if workers <= 1:
        for path in progress.track(paths, "Rückläufe prüfen"):
            yield check_one(path, catalogue, view)
        return
    with process_pool(workers, initializer=_init_worker, initargs=(catalogue, view)) as pool:
        results = pool.imap(_check_in_worker, paths)
        for (returned, report), _ in zip(results, progress.track(range(len(paths)), "Rückläufe prüfen"), strict=True):
            yield unpack(returned, catalogue), report


_WORKER: dict[str, object] = {}


def _init_worker(catalogue: Catalogue, view: StoreView) -> None:
    _WORKER["catalogue"], _WORKER["view"] = catalogue, view  # sent once per process, not per file


def _check_in_worker(path: Path) -> tuple[ReturnedWorkbook, FileReport]:
    with paused_gc():
        return pack(*check_one(path, _WORKER["catalogue"], _WORKER["view"]))  # type: ignore[arg-type]
