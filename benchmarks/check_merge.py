"""Benchmark: check + merge 50 returned workbooks (40 indicators, 40 Stadtteile) against bare readers.

Setup (not timed): a catalogue of 40 city indicators spread over 10 offices, the default 40 Stadtteile;
for each office and each of the report years 2021-2025 a generated collection workbook with every input
cell filled (50 files) in inbox/ of a fresh working folder.

Timed, in the same run:
- toolkit: ``merge_returns`` (guards, reading, all checks, store, archive, Prüfberichte, master matrix);
- calamine: bare python-calamine reading every sheet of the same 50 files (``to_python``);
- openpyxl: ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` of the same files.

The last line is JSON: toolkit_s, check_s (check only), calamine_s, openpyxl_s, ratio (toolkit/calamine),
openpyxl_ratio (openpyxl/toolkit). Targets: ratio <= 2, openpyxl_ratio >= 3.
Run: python benchmarks/check_merge.py [--profile]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from toolkit.catalogue import Catalogue, load_catalogue
from toolkit.catalogue_workbook import write_catalogue_workbook
from toolkit.collection import ObservationKey, plan_workbook
from toolkit.collection_workbook import write_collection_workbook
from toolkit.settings import DEFAULT_SETTINGS_TOML, Settings
from toolkit.workspace import Workspace, ensure_folders

N_INDICATORS, N_OFFICES, YEARS = 40, 10, range(2021, 2026)
# group sizes that satisfy every Summenregel of the default catalogue (parts add up to their whole)
WEIGHTS = {"deutsch_mit_mh": 2, "ohne_mh": 20, "eu": 1, "asylherkunft": 1, "ukraine": 1, "sonstige_drittstaaten": 1,
           "drittstaaten": 3, "nichtdeutsch": 4, "deutsch": 22, "mit_mh": 6, "insgesamt": 26, "bildungsauslaender": 3,
           "bildungsinlaender": 1, "mit_mh_kita": 6, "ohne_mh_kita": 20, "mit_mh_mz": 6, "ohne_mh_mz": 20, "mit_eg": 6,
           "ohne_eg": 20, "familiensprache_deutsch": 22, "familiensprache_nichtdeutsch": 4}


def bench_catalogue() -> Catalogue:
    base = load_catalogue()
    offices = list(base.offices)[:N_OFFICES]
    chosen = [i for i in base.indicators.values() if i.collected_in_city][:N_INDICATORS]
    indicators = {i.id: dataclasses.replace(i, fachbereich=offices[n % N_OFFICES]) for n, i in enumerate(chosen)}
    return dataclasses.replace(base, indicators=indicators)


def value(key: ObservationKey) -> float:
    unit = {"nenner": 100, "zaehler": 50, "wert": 1}[key.measure]
    city = unit * WEIGHTS.get(key.group, 1) * (2 if key.sex == "insgesamt" else 1) * 40
    return float(city // 40 if key.area.startswith("st") else city)


def prepare(root: Path, catalogue: Catalogue) -> tuple[Workspace, list[Path]]:
    import sys as _sys

    _sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from workbook_edit import set_cells

    workspace = Workspace(root / "ws")
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    write_catalogue_workbook(workspace.catalogue_file)
    blank_dir = root / "blank"
    files = []
    for year in YEARS:
        for office in sorted({i.fachbereich for i in catalogue.indicators.values()}):
            plan = plan_workbook(catalogue, office, year)
            blank = blank_dir / f"{office}_{year}.xlsx"
            write_collection_workbook(blank, plan, prefill={}, token=f"T-{year}", deadline=dt.date(year + 1, 3, 31),
                                      settings=Settings())
            target = workspace.inbox / f"Erhebung_{year}_{office}.xlsx"
            set_cells(blank, target, {(s.sheet, s.cell): value(s.key) for s in plan.input_slots()})
            files.append(target)
    return workspace, files


def time_calamine(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()
    return time.perf_counter() - start


def time_openpyxl(files: list[Path]) -> float:
    import pandas as pd

    start = time.perf_counter()
    for path in files:
        pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the toolkit run")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    args = parser.parse_args()
    from toolkit.checks import check_returns
    from toolkit.merge import merge_returns

    catalogue = bench_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        workspace, files = prepare(Path(tmp), catalogue)
        copies = Path(tmp) / "copies"
        shutil.copytree(workspace.inbox, copies)
        cells = sum(len(plan_workbook(catalogue, f.stem.split("_")[2], int(f.stem.split("_")[1])).slots)
                    for f in files)
        print(f"{len(files)} Dateien, {len(catalogue.indicators)} Kennzahlen, {len(catalogue.districts)} Stadtteile, "
              f"{cells} geplante Zellen, {sum(f.stat().st_size for f in files) // 1024} KiB")
        calamine_s = time_calamine(files)
        openpyxl_s = time_openpyxl(files)
        import toolkit.checks as checks_module

        checks_module._CATALOGUES.clear()
        import toolkit.returns as returns_module

        returns_module._PLANS.clear()
        start = time.perf_counter()
        reports = [c.report for c in check_returns(workspace, catalogue=catalogue)]
        check_s = time.perf_counter() - start
        assert len(reports) == len(files) and all(r.ok for r in reports), [r.problems[:3] for r in reports][:3]
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        import toolkit.returns as returns_module

        returns_module._PLANS.clear()  # the merge must not profit from the check run above
        start = time.perf_counter()
        result = merge_returns(workspace, catalogue=catalogue)
        toolkit_s = time.perf_counter() - start
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)
        assert result.exit_code == 0 and not list(workspace.inbox.iterdir())
        from toolkit.matrix import write_master_matrix
        from toolkit.store import Store

        with Store(workspace.store_file) as store:
            values = store.db.execute("SELECT COUNT(*) FROM observations").fetchone()[0]
            start = time.perf_counter()
            write_master_matrix(workspace, store, catalogue)
            matrix_s = time.perf_counter() - start
        calamine_again = time_calamine(sorted(copies.iterdir()))
    calamine_s = min(calamine_s, calamine_again)
    print(f"toolkit check+merge: {toolkit_s:.2f} s (nur check: {check_s:.2f} s; darin Indikatorenmatrix mit "
          f"{values} Werten: {matrix_s:.2f} s)")
    print(f"python-calamine (alle Blätter lesen): {calamine_s:.2f} s")
    print(f"pandas + openpyxl (alle Blätter lesen): {openpyxl_s:.2f} s")
    print(json.dumps({"files": len(files), "toolkit_s": round(toolkit_s, 3), "check_s": round(check_s, 3),
                      "calamine_s": round(calamine_s, 3), "openpyxl_s": round(openpyxl_s, 3), "matrix_s": round(matrix_s, 3), "values": values,
                      "ratio": round(toolkit_s / calamine_s, 2), "openpyxl_ratio": round(openpyxl_s / toolkit_s, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
