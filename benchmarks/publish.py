"""Benchmark: `toolkit publish` of the demo year without PDF, against writing its website alone.

    python benchmarks/publish.py             the demo working folder (`toolkit demo`), best of 3
    python benchmarks/publish.py --smoke     the tests' small report folder (two indicators), once
    options: --repeat N, --processes N ([leistung] prozesse for the pictures; 1 = all in this process)

Working folder (not timed): ``run_demo`` as `toolkit demo` calls it (the whole round on synthetic data, the draft
report compiled); with --smoke the small folder of tests/report_fixtures.py, compiled. The draft's placeholders are
then replaced as an editor does in Word (tests/docx_edit.py), so that the release check passes. Timed, in the same
run, alternating which goes first: (1) ``publish_release`` without PDF (the release check of the edited report and
the audit over every edition, then Tabellenanhang, open data, Stadtteil profiles and website into
outbox/<Jahr>/Veroeffentlichung, the edition in the ledger) and (2) ``write_website`` alone for the same year: what
the release costs beyond its largest part. Before each publish the store is put back (not timed), so every run
records edition 1 against the same ledger, and its drawn pictures (data/bilder) are put back to those the draft's
compile left: the report's PNGs are taken from there, the website's SVGs drawn.

The last line is JSON: publish_s, website_s (best of --repeat, wall; *_cpu_s with the pool's workers), ratio,
timings (publish's steps, last run), site_megabytes, site_files, edition_files.

Targets (quiet 2-core machine, demo): publish_s <= 30; ratio <= 1.5 (check, annex, open data and profiles cost at
most half of what the site costs).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, Clock, Timings, arguments, emit, parse, ratio, require, without_pictures

sys.path.insert(0, str(ROOT / "tests"))  # report_fixtures (the folder of --smoke), docx_edit (the editor's edit)

from docx_edit import replace_text
from report_fixtures import make_report_workspace

from toolkit.core.workspace import Workspace
from toolkit.demo.run import run_demo
from toolkit.publish.edition import FOLDER, WEBSITE, publish_release
from toolkit.publish.website import write_website
from toolkit.report.compile import compile_report
from toolkit.report.word_template import ERGEBNISSE_HINWEIS, VORWORT

EDITED = {VORWORT: "Das Vorwort der Koordination.", ERGEBNISSE_HINWEIS: "Die Ergebnisse im Überblick."}


def build(folder: Path, smoke: bool) -> tuple[Workspace, int]:
    """The working folder with the draft edited as in Word (not timed)."""
    if smoke:
        workspace, year = make_report_workspace(folder / "ws", indicators=("DEM-02", "BIL-06")), 2024
        compile_report(workspace, year, processes=1)
    else:
        workspace, year = Workspace(folder / "demo"), run_demo(folder / "demo").year
    require(replace_text(workspace.report_file(year), EDITED) == 2, "the draft has not its two placeholders")
    return workspace, year


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--processes", type=int, default=None, help="processes for the pictures (default: cores)")
    args = parse(parser)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        workspace, year = build(Path(tmp), args.smoke)
        print(f"Aufbau (nicht gemessen): {time.perf_counter() - t:.1f} s", file=sys.stderr)
        store = workspace.store_file.read_bytes()
        drawn = Path(tmp) / "bilder"  # the pictures the draft's compile drew, as publish finds them after compile
        shutil.copytree(workspace.picture_cache, drawn)
        timings = Timings()
        for n in range(args.repeat):
            order = ("publish", "website") if n % 2 == 0 else ("website", "publish")
            for part in order:
                without_pictures(workspace)
                shutil.copytree(drawn, workspace.picture_cache)
                if part == "publish":
                    workspace.store_file.write_bytes(store)  # no edition yet, as before the first release
                    with Clock() as clock:
                        result = publish_release(workspace, year, pdf=False, processes=args.processes)
                    require(result.released and result.edition == 1,
                            f"publish refused or numbered wrong: {[p.message for p in result.problems]}")
                else:
                    target = Path(tmp) / "Website"
                    with Clock() as clock:
                        site = write_website(workspace, year, target, processes=args.processes)
                timings.note(part, clock)
                print(f"{part}: {clock.wall:.2f} s (CPU {clock.cpu:.2f} s)", file=sys.stderr)
        folder = workspace.year_dir(year) / FOLDER
        published_site = [p for p in (folder / WEBSITE).rglob("*") if p.is_file()]
        require(len(published_site) == site.n_files, f"the edition's site has {len(published_site)} files, the site "
                                                     f"alone {site.n_files}")
        best = timings.best()
        emit({"smoke": args.smoke, "year": year, **best,
              "ratio": ratio(best["publish_s"], best["website_s"]),
              "timings": {k: round(v, 2) for k, v in result.timings.items()},
              "site_megabytes": round(sum(p.stat().st_size for p in published_site) / 1e6, 1),
              "site_files": len(published_site),
              "edition_files": sum(1 for p in folder.rglob("*") if p.is_file()),
              "runs": timings.runs})


if __name__ == "__main__":
    main()
