"""Benchmark: toolkit compile for 60 indicators x 10 years x 40 Stadtteile against bare matplotlib.

Builds a synthetic catalogue and store in a temporary folder, then measures in the same run
(1) the whole ``compile_report`` (data, confidentiality, content, charts, Stadtteil maps, Word, Tabellenanhang,
Stadtteilprofile with their locator maps) and
(2) bare matplotlib rendering the same charts and maps one after another (Figure + plot/barh/fill + savefig PNG,
same size and resolution; a map fills every Stadtteil's rings in its class colour, a locator map fills them grey
and one dark). The last output line is JSON with toolkit_s, baseline_s and ratio.

    python benchmarks/compile.py [--processes N] [--repeat N]   (default: all cores, 3 repetitions)
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's toolkit, installed or not

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import CITY, RawRow, default_rows, district_area, load_catalogue
from toolkit.core.settings import DEFAULT_SETTINGS_TOML
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, ensure_folders
from toolkit.indicators.published import load_published
from toolkit.report.charts import DPI, LINE_SIZE, BarChart, LineChart
from toolkit.report.compile import compile_report
from toolkit.report.context import build_report
from toolkit.report.deliveries import round_deliveries
from toolkit.report.maps import MAP_SIZE, PALETTE, MapChart, district_triples, load_shapes
from toolkit.report.profiles import LocatorMap, build_profiles
from toolkit.report.word_template import write_report_template

KEYS = [r.values["schluessel"] for r in default_rows()["Stadtteile"]]  # the Amt's keys, 01 … 78

N_INDICATORS = 60
YEARS = range(2015, 2025)
GROUPS = ("insgesamt", "deutsch", "nichtdeutsch")


def build_workspace(root: Path, seed: int = 1) -> Workspace:
    workspace = Workspace(root)
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    rows = default_rows()
    template = next(r for r in rows["Indikatoren"] if r.values["id"] == "BIL-06")
    fields = [r.values["code"] for r in rows["Handlungsfelder"]]
    indicators = []
    for n in range(N_INDICATORS):
        values = dict(template.values)
        field = fields[n % len(fields)]
        values.update(id=f"{field}-{50 + n:02d}", handlungsfeld=field, name=f"Synthetische Quote {n + 1}",
                      gruppen=";".join(GROUPS), stadtteile="ja", geschlecht="nein", geheimhaltung="standard",
                      richtung=("plus", "minus", "neutral")[n % 3])
        indicators.append(RawRow("Indikatoren", n + 2, values))
    rows["Indikatoren"] = indicators
    rows["Gleiche Zahlen"] = []  # the synthetic indicators share no counts
    write_catalogue_workbook(workspace.catalogue_file, rows)
    write_report_template(workspace.report_template)
    fill_store(workspace, [r.values["id"] for r in indicators], seed)
    return workspace


def fill_store(workspace: Workspace, ids: list[str], seed: int) -> None:
    rng = random.Random(seed)
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=max(YEARS), file_name="synthetisch.xlsx", sha256="0" * 64)
        records = []
        for indicator in ids:
            base = {g: rng.uniform(0.05, 0.3) for g in GROUPS}
            for k, year in enumerate(YEARS):
                for group in GROUPS:
                    city_n, city_z = 0, 0
                    for d in range(1, 41):
                        nenner = rng.randint(5, 800) if group == "nichtdeutsch" else rng.randint(200, 6000)
                        zaehler = int(nenner * min(1.0, base[group] * (1 + 0.02 * k) * rng.uniform(0.6, 1.4)))
                        city_n, city_z = city_n + nenner, city_z + zaehler
                        area = district_area(KEYS[d - 1])
                        records.append((indicator, year, area, group, "insgesamt", "zaehler", zaehler, delivery))
                        records.append((indicator, year, area, group, "insgesamt", "nenner", nenner, delivery))
                    records.append((indicator, year, CITY, group, "insgesamt", "zaehler", city_z, delivery))
                    records.append((indicator, year, CITY, group, "insgesamt", "nenner", city_n, delivery))
        store.db.executemany(
            "INSERT INTO observations (indicator, year, area, grp, sex, measure, value, delivery_id)"
            " VALUES (?,?,?,?,?,?,?,?)", records)


def bare_matplotlib(specs: list) -> float:
    """The same charts and maps with plain matplotlib: one figure each, plot/barh/fill, savefig to PNG."""
    started = time.perf_counter()
    for spec in specs:
        if isinstance(spec, LineChart):
            figure = Figure(figsize=LINE_SIZE, dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            for line in spec.lines:
                axes.plot(line.years, line.values, marker="o", label=line.label)
            axes.legend()
        elif isinstance(spec, BarChart):
            figure = Figure(figsize=(16 / 2.54, (0.42 * len(spec.labels) + 2.6) / 2.54), dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            values = [0 if math.isnan(v) else v for v in spec.values]
            axes.barh(range(len(values)), values, tick_label=list(spec.labels))
        elif isinstance(spec, MapChart):
            figure = Figure(figsize=MAP_SIZE, dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            shown = sorted(v for v in spec.values if not math.isnan(v))
            for rings, value in zip(spec.shapes.rings, spec.values, strict=True):
                rank = shown.index(value) * len(PALETTE) // len(shown) if not math.isnan(value) else -1
                for ring in rings:
                    axes.fill(*zip(*ring, strict=True), color=PALETTE[rank] if rank >= 0 else "white",
                              edgecolor="grey", hatch=None if rank >= 0 else "//")
            axes.set_aspect("equal")
        else:  # a locator map
            figure = Figure(figsize=(6.5 / 2.54, 7.5 / 2.54), dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            for n, rings in enumerate(spec.shapes.rings):
                for ring in rings:
                    axes.fill(*zip(*ring, strict=True), color=PALETTE[-1] if n == spec.index else "lightgrey")
            axes.set_aspect("equal")
        axes.set_title(spec.shapes.names[spec.index] if isinstance(spec, LocatorMap) else spec.title)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return time.perf_counter() - started


def chart_specs(workspace: Workspace, year: int) -> list:
    """What compile draws: the report's charts and maps, and the profiles' locator maps."""
    catalogue, settings, published, _left_out = load_published(workspace, year)
    deliveries, received = round_deliveries(workspace, year, catalogue)
    shapes, _problems = load_shapes(workspace, district_triples(catalogue))
    report = build_report(published, catalogue, settings, year, deliveries, received, shapes)
    return [*report.charts, *build_profiles(published, catalogue, year, shapes).locators]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=None, help="Prozesse für die Grafiken (Standard: Kerne)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="Wiederholungen; gemeldet wird je Seite die schnellste (der Rechner wird geteilt)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        workspace = build_workspace(Path(tmp) / "ws")
        print(f"Aufbau (Katalog + Store, nicht gemessen): {time.perf_counter() - t:.1f} s", file=sys.stderr)
        assert len(load_catalogue(workspace.catalogue_file).indicators) == N_INDICATORS
        year = max(YEARS)
        specs = chart_specs(workspace, year)
        toolkit_times, baseline_times = [], []
        for n in range(args.repeat):
            if n % 2 == 0:  # alternate the order so a load spike does not always hit the same side
                baseline_times.append(bare_matplotlib(specs))
            t = time.perf_counter()
            result = compile_report(workspace, year, processes=args.processes)
            toolkit_times.append(time.perf_counter() - t)
            if n % 2 == 1:
                baseline_times.append(bare_matplotlib(specs))
            print(f"compile: {toolkit_times[-1]:.2f} s {result.timings}; bare matplotlib: {baseline_times[-1]:.2f} s",
                  file=sys.stderr)
        toolkit_s, baseline_s = min(toolkit_times), min(baseline_times)
        assert sum(isinstance(s, MapChart) for s in specs) == result.n_maps == N_INDICATORS
        assert sum(isinstance(s, LocatorMap) for s in specs) == result.n_profiles
        print(json.dumps({
            "indicators": N_INDICATORS, "years": len(YEARS), "districts": 40, "charts": result.n_charts,
            "maps": result.n_maps, "locator_maps": result.n_profiles,
            "tables": result.n_tables, "suppressed": result.n_suppressed,
            "docx_mb": round(result.report.stat().st_size / 1e6, 1),
            "timings": {k: round(v, 2) for k, v in result.timings.items()},
            "runs_toolkit_s": [round(t, 2) for t in toolkit_times],
            "runs_baseline_s": [round(t, 2) for t in baseline_times],
            "toolkit_s": round(toolkit_s, 2), "baseline_s": round(baseline_s, 2),
            "ratio": round(toolkit_s / baseline_s, 2),
        }))


if __name__ == "__main__":
    main()
