"""Benchmark: the website of the demo year (publish/website.write_website) against drawing its pictures alone.

    python benchmarks/website.py             the demo working folder (`toolkit demo`), best of 3
    python benchmarks/website.py --smoke     the tests' small report folder (two indicators), once
    options: --repeat N, --processes N ([leistung] prozesse for the pictures; 1 = all in this process)

Working folder (not timed): ``run_demo`` as `toolkit demo` calls it (the whole round on synthetic data); with
--smoke the small folder of tests/report_fixtures.py. Timed, in the same run, alternating which goes first:
(1) ``write_website`` for the year (content, pictures in the process pool when it pays, downloads, pages) and
(2) the same pictures drawn one after another with the report's own figure functions and saved as SVG and PNG,
nothing else (no cleaning, no page, no download): what the site costs beyond its pictures, minus what the pool
saves.

The last line is JSON: website_s, baseline_s (best of --repeat), ratio, runs, timings (the writer's steps, last
run), pages, pictures, files, megabytes.

Targets (quiet 2-core machine, demo): website_s <= 20 (so that `toolkit publish` without PDF stays <= 30 s);
ratio <= 1.0 (the pool pays for the pages and downloads).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's toolkit, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # report_fixtures: the folder of --smoke

from harness import clear_memos, emit, without_pictures
from report_fixtures import make_report_workspace

from toolkit.core.workspace import Workspace
from toolkit.demo.run import run_demo
from toolkit.indicators.published import load_published
from toolkit.publish.graphics import SVG_SETTINGS
from toolkit.publish.pages import plan_site
from toolkit.publish.website import write_website
from toolkit.report.charts import figure_of, png_bytes
from toolkit.report.context import build_report
from toolkit.report.deliveries import round_deliveries
from toolkit.report.geometry import district_triples, load_shapes
from toolkit.report.profiles import build_profiles


def picture_jobs(workspace: Workspace, year: int) -> list:
    """The site's pictures (taken untimed from the writer's own plan)."""
    catalogue, settings, published, _left_out = load_published(workspace, year)
    deliveries, received = round_deliveries(workspace, year, catalogue)
    shapes, _problems = load_shapes(workspace, district_triples(catalogue))
    report = build_report(published, catalogue, settings, year, deliveries, received, shapes)
    profiles = build_profiles(published, catalogue, year, shapes, settings.mindesteinwohner)
    return plan_site(report, profiles, catalogue, settings, year).pictures


def pictures_alone(jobs: list) -> float:
    started = time.perf_counter()
    for job in jobs:
        figure = figure_of(job.spec)
        with matplotlib.rc_context(SVG_SETTINGS):
            figure.savefig(io.BytesIO(), format="svg")
        if job.png:
            png_bytes(figure)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="kleiner Arbeitsordner, eine Wiederholung")
    parser.add_argument("--repeat", type=int, default=None, help="Wiederholungen (Standard: 3, mit --smoke 1)")
    parser.add_argument("--processes", type=int, default=None, help="Prozesse für die Grafiken (Standard: Kerne)")
    args = parser.parse_args()
    repeat = args.repeat or (1 if args.smoke else 3)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        if args.smoke:
            workspace, year = make_report_workspace(Path(tmp) / "ws", indicators=("DEM-02", "BIL-06")), 2024
        else:
            workspace, year = Workspace(Path(tmp) / "demo"), run_demo(Path(tmp) / "demo").year
        print(f"Aufbau (nicht gemessen): {time.perf_counter() - t:.1f} s", file=sys.stderr)
        jobs = picture_jobs(workspace, year)
        site_times, baseline_times = [], []
        for n in range(repeat):
            if n % 2 == 0:
                baseline_times.append(pictures_alone(jobs))
            without_pictures(workspace)  # every picture drawn, as the baseline draws them
            clear_memos()
            t = time.perf_counter()
            result = write_website(workspace, year, Path(tmp) / "Website", processes=args.processes)
            site_times.append(time.perf_counter() - t)
            if n % 2 == 1:
                baseline_times.append(pictures_alone(jobs))
            print(f"Website: {site_times[-1]:.2f} s {result.timings}; Grafiken allein: {baseline_times[-1]:.2f} s",
                  file=sys.stderr)
        assert result.n_pictures == len(jobs) and result.n_pages > 10
        website_s, baseline_s = min(site_times), min(baseline_times)
        emit({
            "smoke": args.smoke, "year": year, "pages": result.n_pages, "pictures": result.n_pictures,
            "files": result.n_files, "megabytes": round(result.n_bytes / 1e6, 1),
            "timings": {k: round(v, 2) for k, v in result.timings.items()},
            "runs_website_s": [round(t, 2) for t in site_times], "runs_baseline_s": [round(t, 2) for t in baseline_times],
            "website_s": round(website_s, 2), "baseline_s": round(baseline_s, 2), "ratio": round(website_s / baseline_s, 2),
        })


if __name__ == "__main__":
    main()
