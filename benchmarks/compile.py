"""Benchmark: `toolkit compile` for 60 indicators x 10 years x 40 Stadtteile against bare matplotlib.

    python benchmarks/compile.py             full size, best of 3
    python benchmarks/compile.py --smoke     3 indicators x 3 years x 6 Stadtteile, once: does it work, plausible?
    options: --repeat N, --processes N ([leistung] prozesse for the charts; 1 = all in this process)

Working folder (not timed, the way a user builds it): `toolkit init`, the catalogue replaced by one with 60
synthetic rates (Zähler and Nenner, three groups, by Stadtteil, spread over the Handlungsfelder), and
`toolkit import` of a long CSV table with ten years of values (insgesamt = deutsch + nichtdeutsch, the
Stadtteile add up to the Gesamtstadt), and the default catalogue's counts by age and sex (DEM-01, as DEM-98: 24
age groups of the Gesamtstadt) and by single nationality (DEM-04, as DEM-99) for the same years. Timed, in the
same run, alternating which goes first:
(1) ``compile_report`` as `toolkit compile` calls it (data, confidentiality, content, charts, Stadtteil maps,
Word, Tabellenanhang, Stadtteilprofile with their locator maps) and
(2) bare matplotlib rendering the same charts and maps one after another (Figure + plot/barh/fill + savefig PNG,
same width and resolution, the same texts unmeasured: titles, legends, sources, a map's 40 key labels and its key
list; a map fills every Stadtteil's rings in its class colour, a locator map fills them grey and one dark); the
charts are those the toolkit's report and profiles draw (taken untimed from report/).

Each compile starts without drawn pictures (data/bilder removed, not timed); after the runs one more compile of the
unchanged folder takes every picture from there (warm_s).

The last line is JSON: toolkit_s, baseline_s (wall clock, best of --repeat; each also as *_cpu_s, CPU seconds
including the chart workers), ratio (toolkit/baseline), ratio_cpu, warm_s and warm_cpu_s, runs_toolkit_s, runs_baseline_s, timings
(compile's own steps, last run), indicators, years, districts, charts, maps, locator_maps, tables, suppressed,
values (in the store), age_values and nationality_values (of them by age group and by single nationality),
docx_mb, repeat, smoke.

Target (full size, quiet machine, best of 3): ratio <= 1.0.
"""

from __future__ import annotations

import csv
import io
import math
import random
import tempfile
import time
from pathlib import Path

from harness import Clock, Timings, arguments, emit, parse, ratio, require, without_pictures
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle
from synthetic import set_processes

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import RawRow, default_rows, load_catalogue
from toolkit.core.keys import ALL
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.indicators.published import load_published
from toolkit.initialise import init_workspace
from toolkit.merge.imports import import_values
from toolkit.report.chart_layout import DPI
from toolkit.report.charts import BarChart, LineChart
from toolkit.report.compile import compile_report
from toolkit.report.context import build_report
from toolkit.report.deliveries import round_deliveries
from toolkit.report.geometry import district_triples, load_shapes
from toolkit.report.map_classes import PALETTE
from toolkit.report.maps import MAPS, CircleMap
from toolkit.report.profile_figure import ProfileFigure
from toolkit.report.profiles import build_profiles

GROUPS = ("insgesamt", "deutsch", "nichtdeutsch")
FULL = (60, range(2015, 2025), None)  # indicators, years, Stadtteile (None: all 40 of the catalogue)
SMOKE = (3, range(2022, 2025), 6)
# copied from the default catalogue under a new id: by sex and age group (Pyramide, Lebensphasen) for the Gesamtstadt
# and the Stadtteile; by sex, the nationality groups and single nationalities for the Gesamtstadt
BREAKDOWNS = {"DEM-01": {"id": "DEM-98", "gruppen": ";".join(GROUPS)}, "DEM-04": {"id": "DEM-99"}}
OLDEST = 100  # the open age group (90 und älter) ends here in the synthetic values


def build_workspace(root: Path, indicators: int, years: range, districts: int | None = None,
                    seed: int = 1) -> Workspace:
    workspace = init_workspace(root)
    rows = default_rows()
    template = next(r for r in rows["Indikatoren"] if r.values["id"] == "BIL-06")
    fields = [r.values["code"] for r in rows["Handlungsfelder"]]
    synthetic = []
    for n in range(indicators):
        values = dict(template.values)
        field = fields[n % len(fields)]
        values.update(id=f"{field}-{50 + n:02d}", handlungsfeld=field, name=f"Synthetische Quote {n + 1}",
                      gruppen=";".join(GROUPS), stadtteile="ja", geschlecht="nein", geheimhaltung="standard",
                      richtung=("plus", "minus", "neutral")[n % 3], max_aenderung_prozent="")
        synthetic.append(RawRow("Indikatoren", n + 2, values))
    # the default catalogue's counts by age (DEM-01, by Stadtteil) and by single nationality (DEM-04, Gesamtstadt)
    for copied, values in BREAKDOWNS.items():
        values = dict(next(r for r in rows["Indikatoren"] if r.values["id"] == copied).values, **values)
        synthetic.append(RawRow("Indikatoren", len(synthetic) + 2, values))
    rows["Indikatoren"] = synthetic
    rows["Gleiche Zahlen"] = []  # the synthetic indicators share no counts
    rows["Stadtteile"] = rows["Stadtteile"][:districts]
    write_catalogue_workbook(workspace.catalogue_file, rows)
    table = root.parent / "Werte.csv"
    count = write_values(table, [r.values["id"] for r in synthetic[:indicators]],
                         load_catalogue(workspace.catalogue_file), years, seed)
    imported = import_values(workspace, table)
    require(imported.report.ok and imported.new == count,
            f"Import: {imported.new} von {count} Werten, {imported.report.problems[:3]}")
    return workspace


def write_values(path: Path, ids: list[str], catalogue, years: range, seed: int) -> int:
    """A long table: per indicator, year and Stadtteil Zähler and Nenner of deutsch and nichtdeutsch, their sum
    as insgesamt, and the Gesamtstadt as the sum of the Stadtteile; returns its rows."""
    rng = random.Random(seed)
    keys = [d.schluessel for d in catalogue.districts]
    rows = []
    for indicator in ids:
        base = {g: rng.uniform(0.05, 0.3) for g in GROUPS[1:]}
        for k, year in enumerate(years):
            city = {(g, m): 0 for g in GROUPS for m in ("zaehler", "nenner")}
            for key in keys:
                area: dict[tuple[str, str], int] = {}
                for group in GROUPS[1:]:
                    nenner = rng.randint(5, 800) if group == "nichtdeutsch" else rng.randint(200, 6000)
                    area[(group, "nenner")] = nenner
                    area[(group, "zaehler")] = int(nenner * min(1.0, base[group] * (1 + 0.02 * k) * rng.uniform(0.6, 1.4)))
                for measure in ("zaehler", "nenner"):
                    area[("insgesamt", measure)] = sum(area[(g, measure)] for g in GROUPS[1:])
                for (group, measure), value in area.items():
                    rows.append([year, indicator, key, group, "insgesamt", measure, value])
                    city[(group, measure)] += value
            for (group, measure), value in city.items():
                rows.append([year, indicator, "Gesamtstadt", group, "insgesamt", measure, value])
    rows = [[*row, "", ""] for row in rows]  # all ages, all nationalities
    rows += breakdown_values(catalogue, years, rng)
    with path.open("w", encoding="utf-8", newline="") as stream:
        table = csv.writer(stream, delimiter=";")
        table.writerow(["Jahr", "Indikator", "Gebiet", "Gruppe", "Geschlecht", "Messgröße", "Wert", "Altersgruppe",
                        "Staatsangehörigkeit"])
        table.writerows(rows)
    return len(rows)


def breakdown_values(catalogue, years: range, rng: random.Random) -> list[list[object]]:
    """Rows of BREAKDOWNS: by age, a count per Stadtteil, part (deutsch, nichtdeutsch) and sex times the weight of
    the years of age of a group (all ages: 0 … 99), so Stadtteile, groups, sexes and age groups add up; by
    nationality, a count per single nationality and sex, each group the sum of its nationalities."""
    by_age, by_nationality = (catalogue.indicators[v["id"]] for v in BREAKDOWNS.values())
    ages = {a.code: range(a.von, a.bis if a.bis is not None else OLDEST) for a in catalogue.age_groups}
    weights = {code: sum(1 + age % 3 for age in span) for code, span in ages.items()}
    weights[""] = sum(1 + age % 3 for age in range(OLDEST))
    city_ages = ("", *catalogue.ages_of(by_age))
    sexes = {"insgesamt": ("weiblich", "maennlich"), "weiblich": ("weiblich",), "maennlich": ("maennlich",)}
    rows: list[list[object]] = []
    for year in years:
        counts = {(d.schluessel, part, sex): rng.randint(20, 400) for d in catalogue.districts for part in GROUPS[1:]
                  for sex in sexes["insgesamt"]}
        for area in ("Gesamtstadt", *(d.schluessel for d in catalogue.districts)):
            for group in catalogue.groups_in(by_age, year):
                for sex, parts in sexes.items():
                    total = sum(n for (d, part, s), n in counts.items() if (area in ("Gesamtstadt", d))
                                and (group == "insgesamt" or part == group) and s in parts)
                    for age in city_ages if area == "Gesamtstadt" else ("",):
                        rows.append([year, by_age.id, area, group, sex, "wert", total * weights[age], age, ""])
        single = {(code, sex): rng.randint(1, 60) for code in catalogue.members("nichtdeutsch")
                  for sex in sexes["insgesamt"]}
        for group in catalogue.groups_in(by_nationality, year):
            for sex, parts in sexes.items():
                rows.append([year, by_nationality.id, "Gesamtstadt", group, sex, "wert",
                             sum(single[(code, s)] for code in catalogue.members(group) for s in parts), "", ""])
        for code in catalogue.nationalities_of(by_nationality, collected=True):
            for sex, parts in sexes.items():
                rows.append([year, by_nationality.id, "Gesamtstadt", "nichtdeutsch", sex, "wert",
                             sum(single[(code, s)] for s in parts), "", code])
    return rows


def bare_matplotlib(specs: list) -> None:
    """The same charts and maps with plain matplotlib: one figure each with the same content (title, a subplot per
    panel, legends, source; the map's key labels and key list, circles for counts), plot/barh/fill, savefig to PNG,
    at the same width and resolution, without measuring or wrapping any text."""
    for spec in specs:
        if isinstance(spec, LineChart):
            panels = spec.panels or (tuple(range(len(spec.lines))),)
            figure = Figure(figsize=(16 / 2.54, (4 + 4 * len(panels)) / 2.54), dpi=DPI)
            FigureCanvasAgg(figure)
            for k, members in enumerate(panels):
                axes = figure.add_subplot(len(panels), 1, k + 1)
                for n in members:
                    line = spec.lines[n]
                    axes.plot(line.years, line.values, marker=line.style.marker, color=line.style.colour,
                              label=line.label)
                axes.legend()
                axes.set_ylabel(spec.unit)
        elif isinstance(spec, BarChart):
            figure = Figure(figsize=(16 / 2.54, (0.42 * len(spec.labels) + 2.6) / 2.54), dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            values = [0 if math.isnan(v) else v for v in spec.values]
            axes.barh(range(len(values)), values, tick_label=list(spec.labels))
            axes.set_xlabel(spec.unit)
        elif isinstance(spec, MAPS):
            figure = Figure(figsize=(16 / 2.54, 14 / 2.54), dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_axes((0.01, 0.1, 0.58, 0.8))
            shown = sorted(v for v in spec.values if not math.isnan(v))
            for rings, value, (x, y, _room), key in zip(spec.shapes.rings, spec.values, spec.shapes.anchors,
                                                         spec.shapes.keys, strict=True):
                rank = shown.index(value) * len(PALETTE) // len(shown) if not math.isnan(value) else -1
                for ring in rings:
                    axes.fill(*zip(*ring, strict=True), color=PALETTE[rank] if rank >= 0 else "white",
                              edgecolor="grey", hatch=None if rank >= 0 else "//")
                if isinstance(spec, CircleMap) and rank >= 0:
                    axes.add_artist(Circle((x, y), math.sqrt(value / shown[-1]), alpha=0.5))
                if rings:
                    axes.text(x, y, key, fontsize=5.5, ha="center", va="center")
            axes.set_aspect("equal")
            entries = [f"{key} {name}" for key, name in zip(spec.shapes.keys, spec.shapes.names, strict=True)]
            figure.text(0.62, 0.5, "\n".join(entries[:20]), fontsize=6, va="top")
            figure.text(0.8, 0.5, "\n".join(entries[20:]), fontsize=6, va="top")
            axes.legend([Rectangle((0, 0), 1, 1, color=c) for c in PALETTE], [f"Klasse {c}" for c in PALETTE],
                        loc="upper left", bbox_to_anchor=(1.02, 1.0))
        else:  # a profile's picture: locator map and shares
            figure = Figure(figsize=(spec.width_cm / 2.54, spec.height_cm / 2.54), dpi=DPI)
            FigureCanvasAgg(figure)
            axes = figure.add_subplot(1, 2, 1)
            for n, rings in enumerate(spec.shapes.rings if spec.has_map else ()):
                for ring in rings:
                    axes.fill(*zip(*ring, strict=True), color=PALETTE[-1] if n == spec.index else "lightgrey")
            axes.set_aspect("equal")
            bars = figure.add_subplot(1, 2, 2)
            bars.barh([s.label for s in spec.shares], [s.value for s in spec.shares])
        figure.suptitle(spec.name if isinstance(spec, ProfileFigure) else spec.title)
        if not isinstance(spec, ProfileFigure):
            figure.text(0.01, 0.01, f"Quelle: {spec.source}", fontsize=6.5)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)


def chart_specs(workspace: Workspace, year: int) -> list:
    """What compile draws: the report's charts and maps, and the profiles' pictures."""
    loaded = load_published(workspace, year)
    catalogue, settings, published = loaded.catalogue, loaded.settings, loaded.frame
    deliveries, received = round_deliveries(workspace, year, catalogue)
    shapes, _problems = load_shapes(workspace, district_triples(catalogue))
    report = build_report(published, catalogue, settings, year, deliveries, received, shapes)
    return [*report.charts, *build_profiles(published, catalogue, year, shapes, settings.mindesteinwohner).figures]


def main() -> int:
    parser = arguments(__doc__, repeat=3)
    parser.add_argument("--processes", type=int, default=None,
                        help="[leistung] prozesse in toolkit.toml for the charts (default: automatic)")
    args = parse(parser)
    indicators, years, districts = SMOKE if args.smoke else FULL
    with tempfile.TemporaryDirectory(prefix="bench-compile-") as tmp:
        t = time.perf_counter()
        workspace = build_workspace(Path(tmp) / "ws", indicators, years, districts)
        if args.processes is not None:
            set_processes(workspace, args.processes)
        print(f"Aufbau (init, Katalog, Import; nicht gemessen): {time.perf_counter() - t:.1f} s", flush=True)
        year = max(years)
        specs = chart_specs(workspace, year)
        with Store(workspace.store_file) as store:
            stored = list(store.values())
        by_age, by_nationality = sum(k.age != ALL for k in stored), sum(k.nationality != ALL for k in stored)
        require(by_age > 0 and by_nationality > 0, f"{by_age} Werte nach Alter, {by_nationality} nach Staatsangehörigkeit")
        timings = Timings()
        for n in range(args.repeat):
            for side in ("baseline", "toolkit")[:: 1 if n % 2 == 0 else -1]:  # alternate: a load spike hits both
                without_pictures(workspace)  # every picture drawn, none taken from an earlier run
                with Clock() as clock:
                    if side == "toolkit":
                        result = compile_report(workspace, year)
                    else:
                        bare_matplotlib(specs)
                timings.note(side, clock)
            print(f"compile: {timings.runs['toolkit_s'][-1]:.2f} s {result.timings}; bare matplotlib: "
                  f"{timings.runs['baseline_s'][-1]:.2f} s", flush=True)
        with Clock() as warm:  # compiled again, nothing changed: every picture from data/bilder
            compile_report(workspace, year)
        best = timings.best()
        # DEM-98 by Stadtteil: its counts as circles and the share of Nichtdeutsche
        require(sum(isinstance(s, MAPS) for s in specs) == result.n_maps == indicators + 2,
                f"{result.n_maps} Karten für {indicators} Kennzahlen und DEM-98")
        require(0 < sum(isinstance(s, ProfileFigure) for s in specs) <= result.n_profiles,
                f"{result.n_profiles} Stadtteilprofile")
        require(result.report.is_file() and result.n_charts >= 2 * indicators, f"{result.n_charts} Grafiken")
        summary = {
            **best, "ratio": ratio(best["toolkit_s"], best["baseline_s"]),
            "ratio_cpu": ratio(best["toolkit_cpu_s"], best["baseline_cpu_s"]),
            "warm_s": round(warm.wall, 3), "warm_cpu_s": round(warm.cpu, 3),
            "runs_toolkit_s": [round(t, 2) for t in timings.runs["toolkit_s"]],
            "runs_baseline_s": [round(t, 2) for t in timings.runs["baseline_s"]],
            "timings": {k: round(v, 2) for k, v in result.timings.items()},
            "indicators": indicators, "years": len(years), "districts": len(load_catalogue(workspace.catalogue_file).districts),
            "charts": result.n_charts, "maps": result.n_maps, "locator_maps": result.n_profiles,
            "tables": result.n_tables, "suppressed": result.n_suppressed, "values": len(stored),
            "age_values": by_age, "nationality_values": by_nationality,
            "docx_mb": round(result.report.stat().st_size / 1e6, 1), "repeat": args.repeat, "smoke": args.smoke,
        }
    print(f"compile {summary['toolkit_s']:.2f} s, matplotlib allein {summary['baseline_s']:.2f} s: ratio "
          f"{summary['ratio']} (Ziel <= 1,0)")
    emit(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
