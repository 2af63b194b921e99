"""Benchmark: `toolkit check` + `toolkit merge` of 50 returned workbooks against a fair floor and pandas+openpyxl.

    python benchmarks/check_merge.py             full size, best of 3 (several minutes)
    python benchmarks/check_merge.py --smoke     3 offices x 4 indicators, once: does it work, is it plausible?
    options: --repeat N, --processes N ([leistung] prozesse; 1 = all in this process), --profile

Working folder (not timed; benchmarks/synthetic.py, the way a user builds it): `toolkit init`, a synthetic
catalogue (50 Fachbereiche, each with 40 indicators collected by Stadtteil in three groups, half of them rates;
one of each also by sex and age group like DEM-01, one by sex and single nationality like DEM-04),
`toolkit import` of the earlier years, `toolkit distribute`, and every input cell of the 50 workbooks filled by
the clerks (369,000 cells). Two sets of returns: clean ones (parts and Stadtteile add up: no finding at all) and
ones whose Stadtteile do not add up to the Gesamtstadt (a Warnung ``summe-stadtteile`` in every column of every
Stadtteil sheet: merged, and every Prüfbericht copies 40 sheets with the cells marked).

Timed, in the same run, each toolkit part on a fresh copy of the working folder with the returns in inbox/:
- toolkit_s: ``merge_returns`` as `toolkit merge` calls it (catalogue read from the workbook, file guards,
  reading, checks in worker processes, store, archive, Prüfberichte, master matrix), clean returns;
- warnings_s: the same with the returns that raise Warnungen (Prüfberichte with sheet copies);
- check_s: ``check_files`` as `toolkit check` calls it (with Prüfberichte), clean returns;
- matrix_s: the master matrix alone (``write_master_matrix`` after the merge);
- floor_s = floor_read_s + floor_sqlite_s + floor_matrix_s, what any merge must at least do: bare
  python-calamine reading every sheet of the 50 files; the values the merge stored, written with one
  ``executemany`` into a fresh SQLite file with the store's schema and all read back; every row of every sheet
  of the toolkit's master matrix (read from it untimed) written with bare xlsxwriter (``constant_memory``,
  ``write_row``, no formats);
- openpyxl_s: ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` of the same 50 files (reading only).

The last line is JSON: toolkit_s, warnings_s, check_s, matrix_s, floor_s, floor_read_s, floor_sqlite_s,
floor_matrix_s, openpyxl_s (wall clock, best of --repeat; each also as *_cpu_s: CPU seconds of this process and
its finished worker processes), floor_ratio (toolkit/floor), warnings_floor_ratio (warnings/floor),
floor_ratio_no_matrix (toolkit/(read+sqlite), the floor of earlier versions), openpyxl_ratio (openpyxl/toolkit),
files, cells (input cells), age_cells and nationality_cells (of them by age group and by single nationality),
values (in the store after the merge), floor_values, problems (findings of the clean
round: 0), warnings (findings of the other), repeat, smoke; with --profile also profile_s (cumulative CPU seconds
of the main steps in this process under cProfile; with worker processes the reading and the rules run there and
show as 0: use --processes 1 for the whole picture).

Targets (full size, quiet machine, best of 3): floor_ratio <= 1.5 and openpyxl_ratio >= 3.
"""

from __future__ import annotations

import cProfile
import pstats
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from harness import Clock, Timings, arguments, emit, parse, ratio, require
from synthetic import FULL, SMOKE, copy_files, distributed_round, fill_returns

from toolkit.catalogue.model import load_catalogue
from toolkit.core.store import SCHEMA, Store
from toolkit.core.store_schema import KEY_NAMES
from toolkit.core.workspace import Workspace
from toolkit.merge.intake import merge_returns
from toolkit.merge.matrix import write_master_matrix
from toolkit.returns.checks import check_files

CITY_OFFSET = 7  # the warnings variant: the Gesamtstadt exceeds its Stadtteile by 7 in every part
COLUMNS = (*KEY_NAMES, "value", "flag", "note", "delivery_id")  # the store's columns: every key field, then the value

# --profile: the main steps, by function name (cumulative seconds; a renamed function shows as missing)
STEPS = (("Katalog lesen", "load_catalogue"), ("Dateiprüfung", "inspect_file"), ("Lesen", "read_return"),
         ("Regeln", "check_workbook"), ("SQLite (put_many)", "put_many"), ("Archiv", "_archive"),
         ("Indikatorenmatrix", "write_master_matrix"), ("Prüfberichte", "write_feedback"))


def read_calamine(files: list[Path]) -> None:
    from python_calamine import CalamineWorkbook

    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()


def read_openpyxl(files: list[Path]) -> None:
    import pandas as pd

    for path in files:
        pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None)


def merged_values(store_file: Path) -> list[tuple]:
    """The values the merge stored (those of returned files, not the imported earlier years), untimed."""
    with Store(store_file) as store:
        returns = {row["id"] for row in store.deliveries() if row["source"] == "return"}
        return [(*key, v.value, v.flag, v.note, v.delivery_id) for key, v in store.values().items()
                if v.delivery_id in returns]


def matrix_rows(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet of the toolkit's master matrix as rows of values (read untimed, for the floor)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    finally:
        book.close()


def floor_sqlite(path: Path, rows: list[tuple]) -> int:
    """Bare SQLite: ``rows`` into a fresh file with the store's schema (one executemany, one commit), then every
    observation read back; returns the number read."""
    db = sqlite3.connect(str(path))
    try:
        db.executescript(SCHEMA)
        with db:
            db.executemany(f"INSERT INTO observations ({', '.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})",
                           rows)
        return len(db.execute(f"SELECT {', '.join(COLUMNS)} FROM observations").fetchall())
    finally:
        db.close()


def floor_matrix(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """Bare xlsxwriter: the same rows, sheet by sheet, in constant_memory mode, without formats."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    book.close()


def fresh(base: Workspace, folder: Path, returns: list[Path]) -> Workspace:
    """A copy of the distributed working folder with ``returns`` in inbox/ (not timed)."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base.root, folder)
    workspace = Workspace(folder)
    copy_files(returns, workspace.inbox)
    return workspace


def profile_steps(profiler: cProfile.Profile) -> dict[str, float | None]:
    """Cumulative seconds of STEPS in the profile (None: no such function was called)."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    by_name: dict[str, float] = {}
    for (_file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        by_name[name] = max(by_name.get(name, 0.0), cumulative)
    return {label: (round(by_name[name], 3) if name in by_name else None) for label, name in STEPS}


def main() -> int:
    parser = arguments(__doc__, repeat=3)
    parser.add_argument("--processes", type=int, default=None,
                        help="[leistung] prozesse in toolkit.toml (default: the setting's default, automatic)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile (CPU time) the last clean merge; prints the slowest functions and profile_s")
    args = parse(parser)
    size = SMOKE if args.smoke else FULL
    with tempfile.TemporaryDirectory(prefix="bench-check-merge-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        base = distributed_round(root / "ws", size, args.processes)
        filled = fill_returns(base, root / "returns-clean")
        clean, cells = filled.files, filled.cells
        with_warnings = fill_returns(base, root / "returns-warnings", city_offset=CITY_OFFSET).files
        require(filled.age_cells > 0 and filled.nationality_cells > 0,
                f"{filled.age_cells} Zellen nach Alter, {filled.nationality_cells} nach Staatsangehörigkeit")
        print(f"{len(clean)} Dateien, je {size.indicators} Kennzahlen x {size.districts or 40} Stadtteile, {cells} ausgefüllte "
              f"Eingabezellen (davon {filled.age_cells} nach Altersgruppe, {filled.nationality_cells} nach "
              f"Staatsangehörigkeit), {sum(f.stat().st_size for f in clean) // 1024} KiB (vorbereitet in "
              f"{time.perf_counter() - started:.0f} s)", flush=True)
        timings = Timings()
        found: dict[str, int] = {}
        values = floor_values = 0
        profile: dict[str, float | None] = {}
        for run in range(args.repeat):
            last = run == args.repeat - 1
            with Clock() as clock:
                read_calamine(clean)
            timings.note("floor_read", clock)
            with Clock() as clock:
                read_openpyxl(clean)
            timings.note("openpyxl", clock)

            workspace = fresh(base, root / "run-check", clean)
            with Clock() as clock:
                reports = check_files(workspace, feedback=True)
            timings.note("check", clock)
            require(len(reports) == len(clean) and all(r.ok and not r.problems for r in reports),
                    f"check: {[p for r in reports for p in r.problems][:3]}")

            # the two variants in turn first: a load spike hits both alike
            for variant, returns in (("toolkit", clean), ("warnings", with_warnings))[::1 if run % 2 == 0 else -1]:
                workspace = fresh(base, root / f"run-{variant}", returns)
                profiler = cProfile.Profile(time.process_time) if args.profile and last and variant == "toolkit" else None
                with Clock() as clock:
                    if profiler:
                        profiler.enable()
                    result = merge_returns(workspace)
                    if profiler:
                        profiler.disable()
                timings.note(variant, clock)
                require(result.exit_code == 0 and not any(workspace.inbox.iterdir()),
                        f"merge ({variant}): {result.lines()[-3:]}")
                require(len(result.feedback) == len(returns), f"{len(result.feedback)} Prüfberichte ({variant})")
                found[variant] = sum(len(r.problems) for r in result.reports)
                if profiler:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
                    profile = profile_steps(profiler)

            workspace = Workspace(root / "run-toolkit")  # the clean round, merged
            catalogue = load_catalogue(workspace.catalogue_file)
            with Store(workspace.store_file) as store, Clock() as clock:
                write_master_matrix(workspace, store, catalogue)
            timings.note("matrix", clock)
            with Store(workspace.store_file) as store:
                values = len(store.values())
            stored = merged_values(workspace.store_file)
            sheets = matrix_rows(workspace.master_matrix)
            with Clock() as clock:
                floor_values = floor_sqlite(root / f"floor{run}.sqlite", stored)
            timings.note("floor_sqlite", clock)
            with Clock() as clock:
                floor_matrix(root / f"floor{run}.xlsx", sheets)
            timings.note("floor_matrix", clock)
    best: dict[str, object] = dict(timings.best())
    for unit in ("s", "cpu_s"):
        best[f"floor_{unit}"] = round(sum(best[f"floor_{part}_{unit}"] for part in ("read", "sqlite", "matrix")), 3)
    require(found["toolkit"] == 0, f"saubere Rückläufe mit {found['toolkit']} Befunden")
    require(found["warnings"] >= len(with_warnings) * size.indicators,
            f"nur {found['warnings']} Warnungen in {len(with_warnings)} Dateien")
    require(floor_values == cells and values > cells, f"{floor_values} Werte übernommen, {cells} Eingabezellen")
    best.update(floor_ratio=ratio(best["toolkit_s"], best["floor_s"]),
                warnings_floor_ratio=ratio(best["warnings_s"], best["floor_s"]),
                floor_ratio_no_matrix=ratio(best["toolkit_s"], best["floor_read_s"] + best["floor_sqlite_s"]),
                openpyxl_ratio=ratio(best["openpyxl_s"], best["toolkit_s"]),
                files=len(clean), cells=cells, age_cells=filled.age_cells, nationality_cells=filled.nationality_cells,
                values=values, floor_values=floor_values,
                problems=found["toolkit"], warnings=found["warnings"], repeat=args.repeat, smoke=args.smoke)
    if profile:
        best["profile_s"] = profile
        print("Schritte von merge (CPU-Sekunden, kumulativ, dieser Prozess):",
              ", ".join(f"{label} {'–' if s is None else f'{s:.2f} s'}" for label, s in profile.items()))
    print(f"toolkit check+merge: {best['toolkit_s']:.2f} s; mit Warnungen: {best['warnings_s']:.2f} s; nur check: "
          f"{best['check_s']:.2f} s; Indikatorenmatrix ({values} Werte) allein: {best['matrix_s']:.2f} s")
    print(f"Untergrenze {best['floor_s']:.2f} s: calamine lesen {best['floor_read_s']:.2f} s, SQLite "
          f"{best['floor_sqlite_s']:.2f} s, xlsxwriter Matrix {best['floor_matrix_s']:.2f} s; pandas+openpyxl lesen "
          f"{best['openpyxl_s']:.2f} s")
    print(f"floor_ratio {best['floor_ratio']} (Ziel <= 1,5), openpyxl_ratio {best['openpyxl_ratio']} (Ziel >= 3)")
    emit(best)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
