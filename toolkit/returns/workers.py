"""Reading and checking many returns in worker processes (large rounds only).

A worker reads and checks one file (``check_one``) and sends back exactly what one process keeps of it:
identity, problems, the cells as plain lists by slot and the rows a merge stores (reader.SlotCells), the raw
rows of the sheets a Prüfbericht may copy. No plan and no Reading objects travel; where the parent needs them
(duplicates across files) it pairs the cells with its own plans (reader.readings_of).

Small rounds stay in one process: starting workers costs more than it saves (core/runtime.workers_for).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.collect.layout import SHEET_ENTRY
from toolkit.core.problems import FileReport, Problem, Severity
from toolkit.core.progress import SILENT, Progress
from toolkit.core.runtime import paused_gc, process_pool, workers_for
from toolkit.returns.caches import PlanCache
from toolkit.returns.reader import Readings, ReturnedWorkbook, read_return, readings_of
from toolkit.returns.rules import RULES, StoreView, check_identity


@dataclass(eq=False)
class CheckedFile:
    returned: ReturnedWorkbook
    report: FileReport


def check_one(path: Path, view: StoreView, plans: PlanCache) -> tuple[ReturnedWorkbook, FileReport]:
    """Read one file and run every rule that needs only this file (duplicates across files come later).

    The raw rows are kept of the sheets a Prüfbericht may copy: those a problem points into, and Erfassung,
    where a duplicate found across files later points.
    """
    returned = read_return(path, plans.catalogue, plans=plans)
    report = FileReport(path.name, returned.office, returned.year, returned.sha256, list(returned.problems))
    readings = readings_of(returned, plans)
    if readings is not None:
        report.extend(check_workbook(returned, readings, plans.catalogue, view))
    elif returned.identity is not None:
        report.extend(check_identity(returned, view))
    wanted = {p.sheet for p in report.problems if p.sheet and p.cell} | {SHEET_ENTRY}
    returned.sheet_rows = {name: rows for name, rows in returned.sheet_rows.items() if name in wanted}
    return returned, report


def check_workbook(rw: ReturnedWorkbook, readings: Readings, catalogue: Catalogue, view: StoreView) -> list[Problem]:
    problems = list(check_identity(rw, view))
    if any(p.severity == Severity.FEHLER for p in problems):
        return problems
    inputs = readings.by_role("input")
    unreadable = {(p.sheet, p.cell) for p in rw.problems if p.code == "keine-zahl"}
    for rule in RULES:
        problems.extend(rule(readings, inputs, catalogue, view, unreadable))
    return problems


def total_size(paths: Sequence[Path]) -> int:
    """Bytes of the files to check: the measure of the work that core/runtime.workers_for("check", …) judges."""
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue
    return size


def check_all(paths: Sequence[Path], view: StoreView, plans: PlanCache, progress: Progress | None = None,
              processes: int = 0) -> Iterator[tuple[ReturnedWorkbook, FileReport]]:
    """Read and check every file, in the order given; a large round in a process pool.

    ``plans``: the caller's PlanCache (of the catalogue to check against); each worker makes its own.
    ``processes``: the setting ``prozesse`` (0 automatic, 1 never a pool).
    """
    progress = progress or SILENT
    workers = workers_for("check", total_size(paths), len(paths), processes)
    if workers <= 1:
        for path in progress.track(paths, "Rückläufe prüfen"):
            yield check_one(path, view, plans)
        return
    with process_pool(workers, initializer=_init_worker, initargs=(plans.catalogue, view)) as pool:
        results = pool.imap(_check_in_worker, paths)
        for result, _ in zip(results, progress.track(range(len(paths)), "Rückläufe prüfen"), strict=True):
            yield result


# The state of a worker process, set once by its initializer (sent once per process, not per file).
_WORKER: dict[str, object] = {}


def _init_worker(catalogue: Catalogue, view: StoreView) -> None:
    _WORKER["view"], _WORKER["plans"] = view, PlanCache(catalogue, view.layouts)


def _check_in_worker(path: Path) -> tuple[ReturnedWorkbook, FileReport]:
    with paused_gc():
        return check_one(path, _WORKER["view"], _WORKER["plans"])  # type: ignore[arg-type]
