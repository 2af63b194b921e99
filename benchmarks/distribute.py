"""Benchmark: `toolkit distribute` for 50 offices x 40 indicators x 40 Stadtteile against bare xlsxwriter.

    python benchmarks/distribute.py             full size, best of 3
    python benchmarks/distribute.py --smoke     3 offices x 4 indicators, once: does it work, is it plausible?

Working folder (not timed; benchmarks/synthetic.py, the way a user builds it): `toolkit init`, a synthetic
catalogue (50 Fachbereiche, each with 40 indicators collected by Stadtteil in three groups, half of them rates
with Zähler and Nenner; one of each also by sex and age group like DEM-01, one by sex and single nationality like
DEM-04) and `toolkit import` of the four earlier years. Timed, in the same run:

- toolkit_s: ``distribute_round`` as `toolkit distribute --again` calls it (plan, workbooks with formats,
  validation, protection and identity, store records, .eml drafts) for all offices; a round this large is
  written in a process pool ([leistung] prozesse = 0, automatic: as many workers as cores, at most 4);
- serial_s: the same with [leistung] prozesse = 1 in toolkit.toml (this one process, no pool);
- writer_s: plan + ``write_collection_workbook`` for all offices in this one process (same prefill);
- baseline_s: bare xlsxwriter in this one process writing the same cells with the same values (strings,
  numbers, formulas and blanks, read untimed from the sheet XML of the toolkit's own workbooks) without
  formats, validation or protection; its blanks carry one plain format, as xlsxwriter writes no blank cell
  without one.

The last line is JSON: toolkit_s, serial_s, writer_s, baseline_s (wall clock, best of --repeat; each also as
*_cpu_s, CPU seconds including the pool's workers), ratio (toolkit/baseline), serial_ratio (serial/baseline: one
process against one process), writer_ratio, ratio_cpu, workers (processes of the pooled run), offices,
indicators, districts, sheets, breakdown_sheets (by age group or single nationality), cells, mb (size of the workbooks), repeat, smoke.

Targets (full size, quiet machine, best of 3): ratio <= 1.5 and serial_ratio <= 1.5.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import xlsxwriter
from harness import Clock, Timings, arguments, emit, parse, ratio, require
from synthetic import FULL, SMOKE, YEAR, catalogue_rows, new_workspace, set_processes, write_history

from toolkit.catalogue.model import Catalogue, load_catalogue
from toolkit.collect.distribute import distribute_round, round_cells
from toolkit.collect.layout import plan_workbook
from toolkit.collect.workbook import WORKBOOK_OPTIONS, write_collection_workbook
from toolkit.core.runtime import workers_for
from toolkit.core.settings import Settings, load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.merge.imports import import_values

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
Cell = tuple[str, int, int, object]  # (xlsxwriter method, row, column, value)


def _position(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return int(digits) - 1, col - 1


def _text(element: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{MAIN}t"))


def workbook_cells(path: Path) -> dict[str, list[Cell]]:
    """The cells of every sheet of a written workbook, by sheet name, as the method that writes each."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        strings = [_text(si) for si in ElementTree.fromstring(package.read("xl/sharedStrings.xml"))] \
            if "xl/sharedStrings.xml" in names else []
        targets = {r.get("Id"): r.get("Target") for r in
                   ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels")).iter(f"{RELS}Relationship")}
        sheets: dict[str, list[Cell]] = {}
        for sheet in ElementTree.fromstring(package.read("xl/workbook.xml")).iter(f"{MAIN}sheet"):
            target = targets[sheet.get(REL_ID)].lstrip("/").removeprefix("xl/")
            cells = sheets[sheet.get("name")] = []
            for c in ElementTree.fromstring(package.read(f"xl/{target}")).iter(f"{MAIN}c"):
                row, col = _position(c.get("r"))
                kind, formula, v = c.get("t"), c.find(f"{MAIN}f"), c.find(f"{MAIN}v")
                if formula is not None:
                    cells.append(("write_formula", row, col, formula.text))
                elif kind == "s":
                    cells.append(("write_string", row, col, strings[int(v.text)]))
                elif kind == "inlineStr":
                    cells.append(("write_string", row, col, _text(c)))
                elif kind == "b":
                    cells.append(("write_boolean", row, col, v.text == "1"))
                elif v is not None:
                    cells.append(("write_number", row, col, float(v.text)))
                else:
                    cells.append(("write_blank", row, col, None))
    return sheets


def run_baseline(books: list[dict[str, list[Cell]]], folder: Path) -> None:
    for n, sheets in enumerate(books):
        workbook = xlsxwriter.Workbook(str(folder / f"base_{n}.xlsx"), {**WORKBOOK_OPTIONS, "in_memory": True})
        plain = workbook.add_format()  # xlsxwriter writes a blank cell only with a format
        for name, cells in sheets.items():
            ws = workbook.add_worksheet(name)
            for method, row, col, value in cells:
                if method == "write_blank":
                    ws.write_blank(row, col, None, plain)
                elif method == "write_formula":
                    ws.write_formula(row, col, value, None, "")
                else:
                    getattr(ws, method)(row, col, value)
        workbook.close()


def prefill(workspace: Workspace) -> dict:
    """The earlier years the workbooks show, from the store (as distribute reads them)."""
    with Store(workspace.store_file) as store:
        return store.values(years=range(YEAR - 4, YEAR))


def run_writer(catalogue: Catalogue, values: dict, folder: Path) -> None:
    history = {key: v.value for key, v in values.items()}
    for code in catalogue.offices:
        write_collection_workbook(folder / f"w_{code}.xlsx", plan_workbook(catalogue, code, YEAR), prefill=history,
                                  token="t", deadline=dt.date(YEAR + 1, 3, 31), settings=Settings())


def run_distribute(workspace: Workspace, offices: int) -> None:
    result = distribute_round(workspace, YEAR, deadline=f"31.03.{YEAR + 1}", again=True)
    require(result.exit_code == 0 and result.count("entwurf") == offices, f"distribute: {result.lines()[-2:]}")


def main() -> int:
    args = parse(arguments(__doc__, repeat=3))
    size = SMOKE if args.smoke else FULL
    with tempfile.TemporaryDirectory(prefix="bench-distribute-") as tmp:
        root = Path(tmp)
        pooled = new_workspace(root / "ws", catalogue_rows(size))
        catalogue = load_catalogue(pooled.catalogue_file)
        history = write_history(root / "Vorjahre.csv", catalogue)
        imported = import_values(pooled, root / "Vorjahre.csv")
        require(imported.report.ok and imported.new == history, f"Import: {imported.report.problems[:3]}")
        run_distribute(pooled, size.offices)  # the round exists; each timed run distributes it --again
        books = [workbook_cells(p) for p in sorted(pooled.workbooks_dir(YEAR).glob("*.xlsx"))]
        cells = sum(len(c) for sheets in books for c in sheets.values())
        sheets = sum(len(s) for s in books)
        breakdowns = sum(name.startswith(("Alter ", "Staatsangehörigkeit ")) for s in books for name in s)
        require(breakdowns == 2 * size.offices, f"{breakdowns} Blätter nach Alter oder Staatsangehörigkeit")
        values = prefill(pooled)
        (root / "out").mkdir()
        # The recorded cells (700,000 tuples) are scaffolding of this script, not part of either workload;
        # without this, every full garbage collection walks them and the allocating side pays most.
        gc.collect()
        gc.freeze()
        workers = workers_for("distribute", round_cells(catalogue, list(catalogue.offices.values())),
                              len(catalogue.offices), load_settings(pooled.settings_file).prozesse)

        def serial() -> None:
            set_processes(pooled, 1)
            try:
                run_distribute(pooled, size.offices)
            finally:
                set_processes(pooled, 0)

        runs = {"baseline": lambda: run_baseline(books, root / "out"),
                "toolkit": lambda: run_distribute(pooled, size.offices), "serial": serial,
                "writer": lambda: run_writer(catalogue, values, root / "out")}
        timings = Timings()
        for _ in range(args.repeat):
            for name, run in runs.items():
                with Clock() as clock:
                    run()
                timings.note(name, clock)
        files = sorted(pooled.workbooks_dir(YEAR).glob("*.xlsx"))
        require(len(files) == size.offices and len(list(pooled.mails_dir(YEAR).glob("*.eml"))) == size.offices,
                f"{len(files)} Erhebungsbögen für {size.offices} Stellen")
        again = workbook_cells(files[0])
        require(sum(map(len, again.values())) == sum(map(len, books[0].values())),
                "ein erneut verteilter Bogen hat andere Zellen als der erste")
        mb = round(sum(p.stat().st_size for p in files) / 1e6, 1)
    best: dict[str, object] = dict(timings.best())
    best.update(ratio=ratio(best["toolkit_s"], best["baseline_s"]),
                serial_ratio=ratio(best["serial_s"], best["baseline_s"]),
                writer_ratio=ratio(best["writer_s"], best["baseline_s"]),
                ratio_cpu=ratio(best["toolkit_cpu_s"], best["baseline_cpu_s"]), workers=workers,
                offices=size.offices, indicators=size.indicators, districts=len(catalogue.districts), sheets=sheets,
                breakdown_sheets=breakdowns,
                cells=cells, mb=mb, repeat=args.repeat, smoke=args.smoke)
    print(f"{size.offices} Stellen x {size.indicators} Kennzahlen x {len(catalogue.districts)} Stadtteile: {sheets} "
          f"Blätter, {cells} beschriebene Zellen, {mb} MB Erhebungsbögen")
    print(f"toolkit distribute ({workers} Prozesse): {best['toolkit_s']:.2f} s; in einem Prozess: "
          f"{best['serial_s']:.2f} s; nur Erhebungsbögen schreiben: {best['writer_s']:.2f} s; xlsxwriter allein, "
          f"gleiche Zellen: {best['baseline_s']:.2f} s")
    print(f"ratio {best['ratio']} und serial_ratio {best['serial_ratio']} (Ziel je <= 1,5); nach CPU-Zeit "
          f"{best['ratio_cpu']}")
    emit(best)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
