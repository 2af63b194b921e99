"""Benchmark: the demo report in both editions (public, then internal with compile --intern) and both chapter
structures ([bericht] gliederung = "handlungsfelder" and "integrationskonzept").

Runs the demo once in a temporary folder (it compiles the public edition), then measures in the same run, for each
structure, (1) the public edition (the baseline) and (2) the internal edition. Checks on the way that the public
report names no delivered file and that the internal one names all of them and is marked. With ``--pdf`` each
document is also converted by LibreOffice and its pages counted. The last output line is JSON with, per structure,
public_s, internal_s, their ratio, the number of files, the size of each document (and the pages).

    python benchmarks/editions.py [--pdf]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's toolkit, installed or not

from toolkit.core.settings import STRUCTURES
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.demo.run import REPORT_YEAR, run_demo
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


def _structure(workspace: Workspace, structure: str, pdf: bool) -> dict:
    settings = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(re.sub(r'(?m)^gliederung = ".*"$', f'gliederung = "{structure}"', settings),
                                       encoding="utf-8")
    started = time.perf_counter()
    public = compile_report(workspace, REPORT_YEAR, pdf=pdf)
    public_s = time.perf_counter() - started
    started = time.perf_counter()
    internal = compile_report(workspace, REPORT_YEAR, intern=True, pdf=pdf)
    internal_s = time.perf_counter() - started
    with Store(workspace.store_file) as store:
        files = {r["file_name"] for r in store.deliveries(REPORT_YEAR)} | \
            {r["file_name"] for r in store.checks(REPORT_YEAR)}
    public_xml, internal_xml = _xml(public.report), _xml(internal.report)
    leaked = sorted(f for f in files if f in public_xml)
    missing = sorted(f for f in files if f not in internal_xml)
    if leaked or missing or INTERNAL_MARK in public_xml or INTERNAL_MARK not in internal_xml:
        raise SystemExit(f"Fassungen falsch ({structure}): im öffentlichen Bericht {leaked}, in der internen Fassung "
                         f"fehlt {missing}")
    for line in (*public.lines(), *internal.lines()):
        print(line)
    return {"public_s": round(public_s, 2), "internal_s": round(internal_s, 2),
            "ratio": round(internal_s / public_s, 2), "files": len(files),
            "public_bytes": public.report.stat().st_size, "internal_bytes": internal.report.stat().st_size,
            "public_pages": _pages(public.pdf), "internal_pages": _pages(internal.pdf),
            "profile_pages": _pages(public.profiles_pdf)}


def main() -> None:
    pdf = "--pdf" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        demo = run_demo(Path(tmp) / "Demo")
        workspace = Workspace(demo.root)
        results = {structure: _structure(workspace, structure, pdf) for structure in STRUCTURES}
        print(json.dumps(results))


if __name__ == "__main__":
    main()
