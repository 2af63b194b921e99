"""Run every benchmark with --smoke; fail when one fails or does not end with its JSON line.

    python benchmarks/run_smoke.py [FOLDER]     (default: this folder; .ci/run calls it after the tests)

A benchmark is every ``*.py`` of the folder except the shared modules (harness.py, synthetic.py) and this
runner. Each runs in a new interpreter with this checkout's toolkit first on the path; it passes when it exits
with 0 and its last line of output is a JSON object. A smoke run checks that a benchmark works and that its
results are plausible (the benchmark's own checks), not how fast anything is. Exit code 0 when all pass, 1 when
one fails (its output is shown), 2 when the folder holds no benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"harness.py", "synthetic.py", "run_smoke.py"}
TIMEOUT_S = 900
# Runs a script as ``python SCRIPT --smoke`` would, with its folder first on the path even where the interpreter
# does not put it there (an embedded Windows Python with a ._pth file, as under ../shared/tools/wintest).
BOOT = ("import os, runpy, sys; script = sys.argv[1]; sys.argv = sys.argv[1:]; "
        "sys.path.insert(0, os.path.dirname(script)); runpy.run_path(script, run_name='__main__')")


def benchmarks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_"))


def last_json(output: str) -> dict | None:
    """The JSON object on the last non-empty line of ``output``, or None."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        found = json.loads(lines[-1])
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def run(script: Path) -> tuple[bool, str, float]:
    """Run one benchmark with --smoke: (passed, what to show when it did not, seconds)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(HERE.parent), os.environ.get("PYTHONPATH")))),
           "PYTHONIOENCODING": "utf-8"}
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", BOOT, str(script), "--smoke"], capture_output=True, text=True,
                              encoding="utf-8", errors="replace", env=env, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return False, f"nach {TIMEOUT_S} s abgebrochen", time.perf_counter() - started
    seconds = time.perf_counter() - started
    tail = f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
    if done.returncode != 0:
        return False, f"Exit-Code {done.returncode}\n{tail}", seconds
    if last_json(done.stdout) is None:
        return False, f"die letzte Zeile ist kein JSON-Objekt\n{tail}", seconds
    return True, "", seconds


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else HERE
    scripts = benchmarks(folder)
    if not scripts:
        print(f"Keine Benchmarks in {folder}.", flush=True)
        return 2
    failed = []
    for script in scripts:
        passed, detail, seconds = run(script)
        print(f"{script.name} --smoke: {'ok' if passed else 'FEHLER'} ({seconds:.1f} s)", flush=True)
        if not passed:
            failed.append(script.name)
            print(detail, flush=True)
    if failed:
        print(f"{len(failed)} von {len(scripts)} Benchmarks fehlgeschlagen: {', '.join(failed)}", flush=True)
        return 1
    print(f"Alle {len(scripts)} Benchmarks laufen (--smoke).", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
