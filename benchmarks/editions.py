"""Benchmark: the report in both editions (public, then internal with `compile --intern`) and both chapter
structures ([bericht] gliederung = "handlungsfelder" and "integrationskonzept").

    python benchmarks/editions.py             the demo's working folder (`toolkit demo`), each compile once
    python benchmarks/editions.py --smoke     a small synthetic round (2 offices x 2 indicators, 6 Stadtteile)
    options: --repeat N (best of N, default 1), --pdf (each document also converted by LibreOffice, pages counted)

Working folder (not timed): the full size runs `toolkit demo` in a temporary folder (it compiles the public edition
once); the smoke size builds a small round the way a user does (benchmarks/synthetic.py: init, catalogue,
import, distribute, clean returns merged). Then, for each structure (set in toolkit.toml), it measures (1) the
public edition (the baseline) and (2) the internal edition, and checks that the public report names no delivered
file and no internal mark, and that the internal one names every delivered file and carries its mark.

The last line is JSON with, per structure, public_s, internal_s, ratio (internal/public), files (delivered files),
public_bytes, internal_bytes and (with --pdf) public_pages, internal_pages, profile_pages; and smoke.
No target: the internal edition's extra cost is watched, not bounded.
"""

from __future__ import annotations

import re
import tempfile
import time
import zipfile
from pathlib import Path

from harness import arguments, clear_memos, emit, parse, require, without_pictures
from synthetic import YEAR, RoundSize, distributed_round, fill_returns

from toolkit.core.settings import STRUCTURES
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.demo.run import REPORT_YEAR, run_demo
from toolkit.merge.intake import merge_returns
from toolkit.report.compile import compile_report
from toolkit.report.context import INTERNAL_MARK


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def _pages(pdf: Path | None) -> int | None:
    if pdf is None:
        return None
    match = re.search(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf.read_bytes())
    return int(match.group(1)) if match else None


def _structure(workspace: Workspace, year: int, structure: str, pdf: bool, repeat: int) -> dict:
    settings = workspace.settings_file.read_text(encoding="utf-8")
    require(re.search(r'(?m)^gliederung = ".*"$', settings) is not None, "toolkit.toml ohne 'gliederung ='")
    workspace.settings_file.write_text(re.sub(r'(?m)^gliederung = ".*"$', f'gliederung = "{structure}"', settings),
                                       encoding="utf-8")
    public_s = internal_s = float("inf")
    for _ in range(repeat):
        without_pictures(workspace)  # every picture drawn (and the protected table computed) in each run
        clear_memos()
        started = time.perf_counter()
        public = compile_report(workspace, year, pdf=pdf)
        public_s = min(public_s, time.perf_counter() - started)
        without_pictures(workspace)
        clear_memos()
        started = time.perf_counter()
        internal = compile_report(workspace, year, intern=True, pdf=pdf)
        internal_s = min(internal_s, time.perf_counter() - started)
    with Store(workspace.store_file) as store:
        files = {r["file_name"] for r in store.deliveries(year)} | {r["file_name"] for r in store.checks(year)}
    public_xml, internal_xml = _xml(public.report), _xml(internal.report)
    leaked = sorted(f for f in files if f in public_xml)
    missing = sorted(f for f in files if f not in internal_xml)
    require(files and not leaked and not missing and INTERNAL_MARK not in public_xml and INTERNAL_MARK in internal_xml,
            f"Fassungen falsch ({structure}): im öffentlichen Bericht {leaked}, in der internen Fassung fehlt {missing}")
    for line in (*public.lines(), *internal.lines()):
        print(line)
    return {"public_s": round(public_s, 2), "internal_s": round(internal_s, 2),
            "ratio": round(internal_s / public_s, 2), "files": len(files),
            "public_bytes": public.report.stat().st_size, "internal_bytes": internal.report.stat().st_size,
            "public_pages": _pages(public.pdf), "internal_pages": _pages(internal.pdf),
            "profile_pages": _pages(public.profiles_pdf)}


SMOKE = RoundSize(offices=2, indicators=2, districts=6)


def small_round(folder: Path) -> Workspace:
    """The smoke size: a small round, distributed, returned clean and merged."""
    workspace = distributed_round(folder, SMOKE)
    fill_returns(workspace, workspace.inbox)
    merged = merge_returns(workspace)
    require(merged.exit_code == 0 and not any(workspace.inbox.iterdir()), f"merge: {merged.lines()[-2:]}")
    return workspace


def main() -> int:
    parser = arguments(__doc__, repeat=1)
    parser.add_argument("--pdf", action="store_true", help="also convert each document with LibreOffice")
    args = parse(parser)
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        if args.smoke:
            workspace, year = small_round(Path(tmp) / "ws"), YEAR
        else:
            workspace, year = Workspace(run_demo(Path(tmp) / "Demo").root), REPORT_YEAR
        results: dict[str, object] = {s: _structure(workspace, year, s, args.pdf, args.repeat) for s in STRUCTURES}
    results["smoke"] = args.smoke
    emit(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
