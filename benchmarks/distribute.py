"""Benchmark: `toolkit distribute` for 50 offices x 40 indicators x 40 Stadtteile vs. bare xlsxwriter.

Run:  python benchmarks/distribute.py [--repeat N]

Builds a synthetic catalogue (50 offices, each with 40 indicators collected by Stadtteil, three groups,
half of them rates with Zähler and Nenner), fills the store with four earlier years, then measures in
the same run:

- toolkit_s: the whole ``distribute_round`` (plan, workbooks with formats, validation, protection and
  identity, store records, .eml drafts) for all 50 offices; a round this large is written in a process
  pool (core/runtime.workers_for: up to 4 workers, as many as there are cores);
- serial_s: the same ``distribute_round`` forced into this one process (``workers=1``, no pool);
- writer_s: plan + ``write_collection_workbook`` for all 50 offices in this one process (same prefill);
- baseline_s: bare xlsxwriter writing the same cells with the same values (strings, numbers, formulas and
  blanks, read from the cell tables of the toolkit's own workbooks when they are closed, in an untimed
  pass) without formats, validation or protection; its blanks carry one plain format, as xlsxwriter
  writes no blank cell without one.

The last line printed is a JSON object with toolkit_s, writer_s, baseline_s (wall clock), the same as
*_cpu_s (CPU time, pool workers included), ratio (toolkit/baseline, wall clock), writer_ratio, ratio_cpu
(CPU time: the work done, however many cores), serial_ratio (serial/baseline: one process against one
process) and workers. Target: ratio <= 1.5, and serial_ratio <= 1.5 too. Each figure is the best of
--repeat runs (default 2).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import toolkit.collect.distribute as distribute
from toolkit.catalogue.model import Catalogue, Office, load_catalogue
from toolkit.collect.layout import plan_workbook
from toolkit.collect.workbook import WORKBOOK_OPTIONS, write_collection_workbook
from toolkit.core.runtime import workers_for
from toolkit.core.settings import DEFAULT_SETTINGS_TOML, Settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, ensure_folders

OFFICES, INDICATORS, YEAR = 50, 40, 2025
GROUPS = ("insgesamt", "deutsch", "nichtdeutsch")


def synthetic_catalogue() -> Catalogue:
    base = load_catalogue()
    assert len(base.districts) == 40
    template = base.indicators["DEM-02"]
    offices, indicators = {}, {}
    for n in range(1, OFFICES + 1):
        code = f"A{n:02d}"
        offices[code] = Office(code, f"Amt {n} für Benchmarkzwecke", f"Sachbearbeitung {n}", f"a{n}@example.org",
                               f"a{n}-vertretung@example.org")
        for k in range(1, INDICATORS + 1):
            ident = f"{code}-{k:02d}"
            typ = "quote" if k % 2 else "anzahl"
            indicators[ident] = dataclasses.replace(
                template, id=ident, name=f"Kennzahl {k} der Stelle {n}", typ=typ, fachbereich=code,
                gruppen=GROUPS, geschlecht=False, stadtteile=True, ebene="stadt",
                zaehler=template.zaehler if typ == "quote" else "", nenner=template.nenner if typ == "quote" else "")
    return dataclasses.replace(base, indicators=indicators, offices=offices)


def history(catalogue: Catalogue) -> dict:
    values = {}
    for code in catalogue.offices:
        for slot in plan_workbook(catalogue, code, YEAR).slots:
            if slot.role == "history":
                values[slot.key] = float(1000 + slot.row * 7 + slot.col)
    return values


def fill_store(workspace: Workspace, values: dict) -> None:
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="A01", year=YEAR - 1, file_name="benchmark", sha256="x", source="import")
        store.db.executemany(
            "INSERT INTO observations (indicator, year, area, grp, sex, measure, value, flag, note, delivery_id)"
            " VALUES (?,?,?,?,?,?,?,'','',?)",
            [(k.indicator, k.year, k.area, k.group, k.sex, k.measure, v, delivery) for k, v in values.items()])


def record_cells(catalogue: Catalogue, prefill: dict, folder: Path) -> list[dict[str, list[tuple]]]:
    """Run the toolkit writer once and record, when each workbook is closed, the cells it holds.

    The cells are read from each worksheet's cell table (whatever way the writer put them there), so the
    baseline writes exactly the cells of the toolkit's files: strings, numbers, formulas and formatted blanks.
    """
    books: list[dict[str, list[tuple]]] = []
    close = xlsxwriter.Workbook.close

    def recording_close(workbook: xlsxwriter.Workbook) -> None:
        strings = {index: text for text, index in workbook.str_table.string_table.items()}
        sheets: dict[str, list[tuple]] = {}
        for ws in workbook.worksheets():
            cells = sheets.setdefault(ws.name, [])
            for row in sorted(ws.table):
                for col, cell in sorted(ws.table[row].items()):
                    kind = type(cell).__name__
                    if kind == "String":
                        cells.append(("write_string", row, col, strings[cell.string]))
                    elif kind == "Number":
                        cells.append(("write_number", row, col, cell.number))
                    elif kind == "Formula":
                        cells.append(("write_formula", row, col, cell.formula))
                    elif kind == "Blank":
                        cells.append(("write_blank", row, col, None))
                    else:
                        raise AssertionError(f"unexpected cell type {kind}")
        books.append(sheets)
        close(workbook)

    try:
        xlsxwriter.Workbook.close = recording_close
        for code in catalogue.offices:
            write_collection_workbook(folder / f"{code}.xlsx", plan_workbook(catalogue, code, YEAR), prefill=prefill,
                                      token="t", deadline=dt.date(2027, 3, 31), settings=Settings())
    finally:
        xlsxwriter.Workbook.close = close
    return books


class Clock:
    """Wall-clock and CPU seconds of a block, CPU including finished child processes (the writing pool)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_baseline(books, folder: Path) -> None:
    for n, sheets in enumerate(books):
        workbook = xlsxwriter.Workbook(str(folder / f"base_{n}.xlsx"), {**WORKBOOK_OPTIONS, "in_memory": True})
        plain = workbook.add_format()  # xlsxwriter writes a blank cell only with a format
        for name, cells in sheets.items():
            ws = workbook.add_worksheet(name)
            for kind, row, col, value in cells:
                if kind == "write_blank":
                    ws.write_blank(row, col, None, plain)
                elif kind == "write_string":
                    ws.write_string(row, col, value)
                elif kind == "write_number":
                    ws.write_number(row, col, value)
                else:
                    ws.write_formula(row, col, value, None, "")
        workbook.close()


def run_writer(catalogue: Catalogue, prefill: dict, folder: Path) -> None:
    for code in catalogue.offices:
        write_collection_workbook(folder / f"w_{code}.xlsx", plan_workbook(catalogue, code, YEAR), prefill=prefill,
                                  token="t", deadline=dt.date(2027, 3, 31), settings=Settings())


def run_distribute(workspace: Workspace, workers: int | None = None) -> None:
    result = distribute.distribute_round(workspace, YEAR, deadline="31.03.2027", again=True, workers=workers)
    assert result.exit_code == 0 and result.count("entwurf") == OFFICES, result.lines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    catalogue = synthetic_catalogue()
    distribute.load_catalogue = lambda path=None: catalogue  # the workspace's catalogue is the synthetic one
    prefill = history(catalogue)
    with tempfile.TemporaryDirectory(prefix="bench-distribute-") as tmp:
        root = Path(tmp)
        workspace = Workspace(root / "ws")
        ensure_folders(workspace)
        workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
        fill_store(workspace, prefill)
        (root / "rec").mkdir()
        books = record_cells(catalogue, prefill, root / "rec")
        cells = sum(len(c) for sheets in books for c in sheets.values())
        # The recorded cells (700,000 tuples) are scaffolding of this script, not part of either workload;
        # without this, every full garbage collection walks them and the allocating side pays most.
        gc.collect()
        gc.freeze()
        sheets = sum(len(s) for s in books)
        runs = {"baseline": lambda: run_baseline(books, root / "rec"), "toolkit": lambda: run_distribute(workspace),
                "serial": lambda: run_distribute(workspace, workers=1),
                "writer": lambda: run_writer(catalogue, prefill, root / "rec")}
        times: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for name, run in runs.items():
                with Clock() as clock:
                    run()
                times.setdefault(f"{name}_s", []).append(clock.wall)
                times.setdefault(f"{name}_cpu_s", []).append(clock.cpu)
        best = {k: round(min(v), 3) for k, v in times.items()}
        size = sum(p.stat().st_size for p in workspace.workbooks_dir(YEAR).iterdir())
    print(f"{OFFICES} Stellen x {INDICATORS} Kennzahlen x 40 Stadtteile: {sheets} Blätter, {cells} beschriebene "
          f"Zellen, {size / 1e6:.1f} MB Erhebungsbögen")
    print(f"toolkit distribute (alles):        {best['toolkit_s']:.2f} s")
    print(f"distribute in einem Prozess:       {best['serial_s']:.2f} s")
    print(f"nur Erhebungsbögen schreiben:      {best['writer_s']:.2f} s")
    print(f"xlsxwriter allein, gleiche Zellen: {best['baseline_s']:.2f} s")
    best["ratio"] = round(best["toolkit_s"] / best["baseline_s"], 3)
    best["serial_ratio"] = round(best["serial_s"] / best["baseline_s"], 3)
    best["writer_ratio"] = round(best["writer_s"] / best["baseline_s"], 3)
    best["ratio_cpu"] = round(best["toolkit_cpu_s"] / best["baseline_cpu_s"], 3)
    best.update(offices=OFFICES, indicators=INDICATORS, districts=40, cells=cells, repeat=args.repeat,
                workers=workers_for("distribute", distribute.round_cells(catalogue, list(catalogue.offices.values())),
                                    len(catalogue.offices)))
    print(f"Verhältnis distribute / xlsxwriter: {best['ratio']:.2f} (Ziel <= 1,5); "
          f"nach CPU-Zeit {best['ratio_cpu']:.2f}; in einem Prozess {best['serial_ratio']:.2f}")
    print(json.dumps(best))


if __name__ == "__main__":
    main()
