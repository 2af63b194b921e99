"""Benchmark: the demo report in both editions (public, then internal with compile --intern).

Runs the demo once in a temporary folder (it compiles the public edition), then measures in the same run
(1) the public edition compiled again (the baseline) and (2) the internal edition. Checks on the way that the
public report names no delivered file and that the internal one names all of them and is marked. The last
output line is JSON with public_s, internal_s, their ratio, the number of files and the size of each document.

    python benchmarks/editions.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's toolkit, installed or not

from toolkit.core.store import Store  # noqa: E402
from toolkit.core.workspace import Workspace  # noqa: E402
from toolkit.demo.run import REPORT_YEAR, run_demo  # noqa: E402
from toolkit.report.compile import compile_report  # noqa: E402
from toolkit.report.context import INTERNAL_MARK  # noqa: E402


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        demo = run_demo(Path(tmp) / "Demo")
        workspace = Workspace(demo.root)
        started = time.perf_counter()
        public = compile_report(workspace, REPORT_YEAR)
        public_s = time.perf_counter() - started
        started = time.perf_counter()
        internal = compile_report(workspace, REPORT_YEAR, intern=True)
        internal_s = time.perf_counter() - started
        with Store(workspace.store_file) as store:
            files = {r["file_name"] for r in store.deliveries(REPORT_YEAR)} | \
                {r["file_name"] for r in store.checks(REPORT_YEAR)}
        public_xml, internal_xml = _xml(public.report), _xml(internal.report)
        leaked = sorted(f for f in files if f in public_xml)
        missing = sorted(f for f in files if f not in internal_xml)
        if leaked or missing or INTERNAL_MARK in public_xml or INTERNAL_MARK not in internal_xml:
            raise SystemExit(f"Fassungen falsch: im öffentlichen Bericht {leaked}, in der internen Fassung fehlt {missing}")
        for line in (*public.lines(), *internal.lines()):
            print(line)
        print(json.dumps({"public_s": round(public_s, 2), "internal_s": round(internal_s, 2),
                          "ratio": round(internal_s / public_s, 2), "files": len(files),
                          "public_bytes": public.report.stat().st_size,
                          "internal_bytes": internal.report.stat().st_size}))


if __name__ == "__main__":
    main()
