"""Checking returned files: read them (reader.py), run the rules (rules.py), find duplicates across files.

``check_files`` is read-only: it reads the files (reader.py), opens the store read-only (if there is
one) for the previous year, the pre-filled values and values delivered by other offices, and returns
one FileReport per file. ``check_returns`` returns the read workbooks as well, for merge/intake.py.
What a check remembers (catalogue, plans) is a ``caches.Caches`` made here or passed in by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.orphans import catalogue_report
from toolkit.core.errors import InputError
from toolkit.core.keys import KEY_SIZE, ObservationKey
from toolkit.core.problems import FileReport, Problem
from toolkit.core.runtime import paused_gc
from toolkit.core.settings import load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, ensure_closed
from toolkit.returns.caches import Caches, PlanCache
from toolkit.returns.feedback import existing_reports, write_feedback
from toolkit.returns.reader import Reading, readings_of
from toolkit.returns.rules import (
    RULES,
    StoreView,
    _problem,
    check_counts,
    check_previous_year,
    check_rates,
    check_sums,
    check_years,
    normalise_flag,
)
from toolkit.returns.workers import CheckedFile, check_all


def inbox_files(workspace: Workspace) -> list[Path]:
    """Every file in inbox/ except Office lock files (~$…) and hidden files, in name order.

    Alphabetical without regard to case, on every platform (Windows would sort paths so, Linux would not): the
    order of the check table and of merging, hence of the store's delivery numbers, is the same everywhere.
    """
    if not workspace.inbox.is_dir():
        return []
    return sorted((p for p in workspace.inbox.iterdir() if p.is_file() and not p.name.startswith(("~$", "."))),
                  key=lambda p: (p.name.casefold(), p.name))


def check_files(workspace: Workspace, files: list[Path] | None = None, progress=None,
                *, feedback: bool = False, caches: Caches | None = None) -> list[FileReport]:
    """Check returned files (default: inbox/); one FileReport per file. Never changes the store.

    With ``feedback`` a Prüfbericht per file is written to outbox/<Jahr>/Pruefberichte/. The catalogue's own findings
    (Warnungen about its texts, stored values it has no home for: catalogue/orphans.py) come last, as the report of
    the catalogue file.
    """
    if feedback:
        ensure_closed(existing_reports(workspace, inbox_files(workspace) if files is None else _given(files)))
    caches = caches or Caches()
    checked = check_returns(workspace, files, progress, caches=caches)
    if feedback:
        write_feedback(workspace, checked)
    catalogue = catalogue_report(workspace, caches.catalogue(workspace))
    return [c.report for c in checked] + ([catalogue] if catalogue else [])


def check_returns(workspace: Workspace, files: list[Path] | None = None, progress=None,
                  catalogue: Catalogue | None = None, caches: Caches | None = None) -> list[CheckedFile]:
    caches = caches or Caches()
    catalogue = catalogue or caches.catalogue(workspace)
    with paused_gc():
        checked = list(iter_checked(workspace, files, progress, catalogue, caches))
        for item, problems in cross_file_duplicates(checked, caches.plans(catalogue)).items():
            item.report.extend(problems)
    return checked


def iter_checked(workspace: Workspace, files: list[Path] | None = None, progress=None,
                 catalogue: Catalogue | None = None, caches: Caches | None = None) -> Iterator[CheckedFile]:
    """Each file checked on its own, in order, as soon as it is done (large rounds in worker processes).

    Without ``cross_file_duplicates``: merge/intake.py takes a file while later ones are still being checked. That
    is safe because the plans of two offices never share an indicator (each has one Fachbereich).
    """
    caches = caches or Caches()
    catalogue = catalogue or caches.catalogue(workspace)
    paths = inbox_files(workspace) if files is None else _given(files)
    view = load_store_view(workspace.store_file)
    processes = load_settings(workspace.settings_file).prozesse
    for returned, report in check_all(paths, view, caches.plans(catalogue, view.layouts), progress, processes):
        yield CheckedFile(returned, report)


def _given(files: list[Path]) -> list[Path]:
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        raise InputError(f"Die Datei {missing[0]} gibt es nicht.", hint="Bitte Pfad und Dateinamen prüfen.")
    return [Path(f) for f in files]


def load_store_view(store_file: Path) -> StoreView:
    view = StoreView()
    if not store_file.is_file():
        return view
    store = Store.read_only(store_file)
    try:
        view.values = store.values()
        for row in store.deliveries():
            view.delivery_of[row["id"]] = (row["office"], row["file_name"], row["source"])
            view.merged.add((row["sha256"], row["office"], row["year"]))
        view.round_tokens = store.round_tokens()
        view.layouts = store.distributed_layouts()
    finally:
        store.close()
    return view


def cross_file_duplicates(checked: Iterable[CheckedFile], plans: PlanCache) -> dict[CheckedFile, list[Problem]]:
    """The same observation in files of two different offices: a Fehler in both, naming the other file.

    Only files that deliver an indicator another office delivers too are paired with their plans (``plans``).
    """
    checked = [item for item in checked if item.returned.readable]
    offices_of: dict[str, set[str]] = defaultdict(set)
    delivered = {item: {row[0] for row in item.returned.delivered() if row[KEY_SIZE] is not None} for item in checked}
    for item in checked:
        for indicator in delivered[item]:
            offices_of[indicator].add(item.returned.office)
    shared = {indicator for indicator, offices in offices_of.items() if len(offices) > 1}
    owners: dict[ObservationKey, list[tuple[CheckedFile, Reading]]] = defaultdict(list)
    for item in checked:
        if not shared.intersection(delivered[item]):
            continue
        readings = readings_of(item.returned, plans)
        assert readings is not None  # readable
        for key, reading in readings.by_role("input").items():
            if reading.value is not None and key.indicator in shared:
                owners[key].append((item, reading))
    found: dict[CheckedFile, list[Problem]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for key, holders in owners.items():
        offices = {item.returned.office for item, _ in holders}
        if len(offices) < 2:
            continue
        for item, reading in holders:
            if (id(item), key.indicator) in seen:
                continue
            seen.add((id(item), key.indicator))
            others = [f"{o.returned.file} ({o.returned.office})" for o, _ in holders
                      if o.returned.office != item.returned.office]
            found[item].append(_problem(item.returned, "doppelte-lieferung", reading, item.returned.office,
                                        ", ".join(others), year=key.year))
    return found


__all__ = ["RULES", "StoreView", "check_counts", "check_files",
           "check_previous_year", "check_rates", "check_returns", "iter_checked", "check_sums", "check_years",
           "cross_file_duplicates", "inbox_files", "load_store_view", "normalise_flag"]
