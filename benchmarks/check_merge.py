"""Benchmark: check + merge 50 returned workbooks (40 indicators, 40 Stadtteile each) against bare readers.

Setup (not timed): the synthetic catalogue of benchmarks/distribute.py (50 offices, each with 40 indicators
collected by Stadtteil, three groups, half of them rates with Zähler and Nenner); the store holds the four
earlier years (Gesamtstadt) and the distributed rounds; for each office the collection workbook of 2025,
pre-filled with those years, with every input cell filled with a plausible value (parts add up, the
Stadtteile add up to the Gesamtstadt, Zähler < Nenner, small changes against the previous year), in inbox/
of a fresh working folder: 50 files, 7,380 input cells each.

Timed, in the same run:
- toolkit: ``merge_returns`` (guards, reading, all checks, store, archive, Prüfberichte, master matrix);
  each repetition on a fresh copy of the working folder (store and inbox);
- calamine: bare python-calamine reading every sheet of the same 50 files (``to_python``);
- openpyxl: ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` of the same files;
- floor: what any merge has to do at least: the bare python-calamine reading, then the values the merge
  stored (taken from its store, untimed) written with one SQLite ``executemany`` into a fresh file with the
  store's SCHEMA, and all of them read back (``SELECT`` of all observations, ``fetchall``);
- with --fallbacks also the master matrix with each internal of the xlsxwriter adapter
  (toolkit/merge/xlsxwriter_fast.py) switched off, in turn with the matrix as it is.
Each timed check and merge makes its own caches (returns/caches.py: plans), so none profits from an earlier run.

The last line is JSON: toolkit_s, check_s (check only), matrix_s (master matrix alone, after the merge),
calamine_s, openpyxl_s, floor_s (wall clock; the same as *_cpu_s in CPU seconds of this process), ratio
(toolkit/calamine), ratio_cpu, openpyxl_ratio (openpyxl/toolkit), floor_ratio (toolkit/floor), values (in
the store after the merge), floor_values (the values the merge stored), cells (input cells of the 50 files);
with --phases also phases_cpu_s (CPU seconds of the merge steps in this process: reading and the rules run
in worker processes for a round of this size and show as 0 there; check_cpu_s is likewise this process
only); with --fallbacks also matrix_without_<internal>_s and fallbacks (per internal: the matrix without it,
its gain in seconds and in percent of toolkit_s).
Targets: floor_ratio <= 2, openpyxl_ratio >= 3. Each time is the best of --repeat runs (default 2).
Run: python benchmarks/check_merge.py [--repeat N] [--profile [--sort tottime]] [--phases] [--fallbacks]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))

from distribute import fill_store, synthetic_catalogue  # noqa: E402
from workbook_edit import set_cells  # noqa: E402

from toolkit.catalogue.model import CITY, Catalogue  # noqa: E402
from toolkit.collect.layout import HISTORY_YEARS, plan_workbook  # noqa: E402
from toolkit.collect.workbook import write_collection_workbook  # noqa: E402
from toolkit.core.keys import ObservationKey  # noqa: E402
from toolkit.core.settings import DEFAULT_SETTINGS_TOML, Settings  # noqa: E402
from toolkit.core.store import SCHEMA, Store  # noqa: E402
from toolkit.core.workspace import Workspace, ensure_folders  # noqa: E402

YEAR = 2025
DISTRICTS = 40


def district_value(key: ObservationKey, n: int) -> int:
    """The value of Stadtteil n: insgesamt = deutsch + nichtdeutsch, Zähler < Nenner, counts within 0..100."""
    k = int(key.indicator.rsplit("-", 1)[1])
    if key.measure == "wert":  # Anzahl (the template's Prüfgrenzen are 0..100 for the Gesamtstadt)
        parts = {"deutsch": 1 + n % 2, "nichtdeutsch": 1}
    elif key.measure == "nenner":
        parts = {"deutsch": 300 + 9 * n + 3 * k, "nichtdeutsch": 100 + n + k}
    else:
        parts = {"deutsch": 30 + n % 4 + k, "nichtdeutsch": 10 + n % 5}
    return sum(parts.values()) if key.group == "insgesamt" else parts[key.group]


def value(key: ObservationKey) -> float:
    """A plausible value for any key of the benchmark catalogue; earlier years a little smaller."""
    if key.area == CITY:
        total = sum(district_value(key, n) for n in range(1, DISTRICTS + 1))
        return float(round(total * (1 - 0.02 * (YEAR - key.year))))
    return float(district_value(key, int(key.area[2:])))


def prepare(root: Path, catalogue: Catalogue) -> tuple[Workspace, list[Path], int]:
    workspace = Workspace(root / "ws")
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    plans = {code: plan_workbook(catalogue, code, YEAR) for code in catalogue.offices}
    prefill = {s.key: value(s.key) for plan in plans.values() for s in plan.slots if s.role == "history"}
    assert {k.year for k in prefill} == set(range(YEAR - HISTORY_YEARS, YEAR))
    fill_store(workspace, prefill)
    token = f"T-{YEAR}"
    with Store(workspace.store_file) as store, store.transaction():
        for code, plan in plans.items():
            store.record_round(year=YEAR, office=code, token=token, deadline=f"{YEAR + 1}-03-31",
                               file_name=f"Erhebung_{YEAR}_{code}.xlsx", sha256="", layout_version="1",
                               fingerprint=plan.fingerprint)
    blank_dir = root / "blank"
    blank_dir.mkdir()
    files, cells = [], 0
    for code, plan in plans.items():
        blank = blank_dir / f"{code}.xlsx"
        write_collection_workbook(blank, plan, prefill=prefill, token=token, deadline=dt.date(YEAR + 1, 3, 31),
                                  settings=Settings())
        inputs = {(s.sheet, s.cell): value(s.key) for s in plan.input_slots()}
        cells += len(inputs)
        files.append(set_cells(blank, workspace.inbox / f"Erhebung_{YEAR}_{code}.xlsx", inputs))
    return workspace, files, cells


class Clock:
    """Wall-clock and CPU seconds of a block (CPU time is less disturbed by other processes on the machine)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def read_calamine(files: list[Path]) -> None:
    from python_calamine import CalamineWorkbook

    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()


COLUMNS = "indicator, year, area, grp, sex, measure, value, flag, note, delivery_id"


def merged_values(store: Store) -> list[tuple]:
    """The values the merge stored (those of the returns, not the earlier years imported by the setup)."""
    return store.db.execute(
        f"SELECT {COLUMNS} FROM observations WHERE delivery_id IN (SELECT id FROM deliveries WHERE source = 'return')"
        " ORDER BY delivery_id").fetchall()


def bare_store(path: Path, rows: list[tuple]) -> int:
    """Bare SQLite: ``rows`` into a fresh file with the store's schema (one executemany, one commit), then
    every observation read back; returns the number read."""
    db = sqlite3.connect(str(path))
    try:
        db.executescript(SCHEMA)
        with db:
            db.executemany(f"INSERT INTO observations ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        return len(db.execute(f"SELECT {COLUMNS} FROM observations").fetchall())
    finally:
        db.close()


# --fallbacks: the internals of the xlsxwriter adapter, by the flag that switches each off
FALLBACKS = (("streamed_rows", "STREAMED_ROWS"),)


@contextlib.contextmanager
def switched_off(flag: str | None) -> Iterator[None]:
    if flag is None:
        yield
        return
    import toolkit.merge.xlsxwriter_fast as fast

    saved = getattr(fast, flag)
    setattr(fast, flag, False)
    try:
        yield
    finally:
        setattr(fast, flag, saved)


def read_openpyxl(files: list[Path]) -> None:
    import pandas as pd

    for path in files:
        pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None)


# --phases: CPU seconds of the main steps of the merge (each patched in the module that calls it)
PHASES = (("Dateiprüfung (filesafety)", "toolkit.returns.reader", "inspect_file"),
          ("Lesen (calamine, Plan, Zellen)", "toolkit.returns.reader", "_read_workbook"),
          ("  darin Plan + Fingerabdruck", "toolkit.returns.caches", "PlanCache.plan"),
          ("Regeln", "toolkit.returns.workers", "check_workbook"),
          ("Werte zusammenstellen", "toolkit.merge.intake", "merge_items"),
          ("SQLite schreiben (put_many)", "toolkit.core.store", "Store.put_many"),
          ("Archiv", "toolkit.merge.intake", "_archive"),
          ("Monitoringdaten", "toolkit.merge.intake", "write_master_matrix"),
          ("Prüfberichte", "toolkit.merge.intake", "write_feedback"))


@contextlib.contextmanager
def phase_clocks(totals: dict[str, float]) -> Iterator[None]:
    import importlib

    restore = []
    for label, module_name, name in PHASES:
        owner = importlib.import_module(module_name)
        if "." in name:
            owner_name, name = name.split(".")
            owner = getattr(owner, owner_name)
        original = getattr(owner, name)

        def timed(*args, _original=original, _label=label, **kwargs):
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_label] = totals.get(_label, 0.0) + time.process_time() - start

        setattr(owner, name, timed)
        restore.append((owner, name, original))
    try:
        yield
    finally:
        for owner, name, original in restore:
            setattr(owner, name, original)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="repetitions of each timed part (best counts)")
    parser.add_argument("--profile", action="store_true", help="cProfile the (last) toolkit run")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    parser.add_argument("--phases", action="store_true", help="CPU seconds of the merge steps (last run)")
    parser.add_argument("--fallbacks", action="store_true",
                        help="also the master matrix with each internal of the xlsxwriter adapter switched off")
    args = parser.parse_args()
    import toolkit.returns.checks as checks_module
    from toolkit.merge.intake import merge_returns
    from toolkit.merge.matrix import write_master_matrix

    catalogue = synthetic_catalogue()
    with tempfile.TemporaryDirectory(prefix="bench-check-merge-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        workspace, files, cells = prepare(root, catalogue)
        print(f"{len(files)} Dateien, je {len(catalogue.indicators) // len(files)} Kennzahlen x {DISTRICTS} "
              f"Stadtteile, {cells} ausgefüllte Eingabezellen, {sum(f.stat().st_size for f in files) // 1024} KiB "
              f"(vorbereitet in {time.perf_counter() - start:.0f} s)", flush=True)
        times: dict[str, list[float]] = {}
        phases: dict[str, float] = {}
        values = floor_values = 0
        variants = [("matrix", None)]
        if args.fallbacks:
            variants += [(f"matrix_without_{name}", flag) for name, flag in FALLBACKS]

        def note(name: str, clock: Clock) -> None:
            times.setdefault(f"{name}_s", []).append(clock.wall)
            times.setdefault(f"{name}_cpu_s", []).append(clock.cpu)

        for run in range(args.repeat):
            last = run == args.repeat - 1
            with Clock() as clock:
                read_calamine(files)
            note("calamine", clock)
            with Clock() as clock:
                read_openpyxl(files)
            note("openpyxl", clock)
            copy = Workspace(root / f"run{run}")
            shutil.copytree(workspace.root, copy.root)
            with Clock() as clock:
                reports = [c.report for c in checks_module.check_returns(copy, catalogue=catalogue)]
            note("check", clock)
            assert len(reports) == len(files) and all(r.ok for r in reports), [r.problems[:3] for r in reports][:3]
            assert not any(r.problems for r in reports), [r.problems[:3] for r in reports if r.problems][:3]
            profiler = None
            if args.profile and last:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            with phase_clocks(phases) if args.phases and last else contextlib.nullcontext(), Clock() as clock:
                result = merge_returns(copy, catalogue=catalogue)
            note("toolkit", clock)
            if profiler is not None:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
            assert result.exit_code == 0 and not list(copy.inbox.iterdir()), result.lines()[-3:]
            with Store(copy.store_file) as store:
                values = store.db.execute("SELECT COUNT(*) FROM observations").fetchone()[0]
                stored = merged_values(store)
                shift = run % len(variants)  # each variant first in turn: a load spike hits all alike
                for name, flag in variants[shift:] + variants[:shift]:
                    with switched_off(flag), Clock() as clock:
                        write_master_matrix(copy, store, catalogue)
                    note(name, clock)
            with Clock() as clock:
                read_calamine(files)
                floor_values = bare_store(root / f"floor{run}.sqlite", stored)
            note("floor", clock)
            shutil.rmtree(copy.root)
    best: dict[str, object] = {name: round(min(runs), 3) for name, runs in times.items()}
    print(f"toolkit check+merge: {best['toolkit_s']:.2f} s (nur check: {best['check_s']:.2f} s; Monitoringdaten "
          f"mit {values} Werten allein: {best['matrix_s']:.2f} s)")
    print(f"python-calamine (alle Blätter lesen): {best['calamine_s']:.2f} s")
    print(f"pandas + openpyxl (alle Blätter lesen): {best['openpyxl_s']:.2f} s")
    print(f"Untergrenze (calamine lesen, {floor_values} Werte in SQLite schreiben und zurücklesen): "
          f"{best['floor_s']:.2f} s")
    if args.fallbacks:
        fallbacks = {}
        for name, _flag in FALLBACKS:
            without = best[f"matrix_without_{name}_s"]
            gain = without - best["matrix_s"]
            fallbacks[name] = {"without_s": without, "gain_s": round(gain, 3),
                               "gain_pct_of_toolkit": round(100 * gain / best["toolkit_s"], 1)}
            print(f"Monitoringdaten ohne {name}: {without:.2f} s, Gewinn {gain:.2f} s = "
                  f"{100 * gain / best['toolkit_s']:.1f} % von toolkit")
        best["fallbacks"] = fallbacks
    if phases:
        print(f"CPU-Sekunden der Schritte von merge (letzter Lauf, gesamt {times['toolkit_cpu_s'][-1]:.2f} s):")
        for label, _module, _name in PHASES:
            print(f"  {label:32s} {phases.get(label, 0.0):6.2f}")
        best["phases_cpu_s"] = {label.strip(): round(phases.get(label, 0.0), 3) for label, *_ in PHASES}
    best.update(files=len(files), cells=cells, values=values, floor_values=floor_values, repeat=args.repeat,
                ratio=round(best["toolkit_s"] / best["calamine_s"], 2),
                ratio_cpu=round(best["toolkit_cpu_s"] / best["calamine_cpu_s"], 2),
                openpyxl_ratio=round(best["openpyxl_s"] / best["toolkit_s"], 2),
                floor_ratio=round(best["toolkit_s"] / best["floor_s"], 2))
    print(json.dumps(best, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
