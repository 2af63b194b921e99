"""The benchmarks cannot rot unnoticed: .ci/run runs each with --smoke through benchmarks/run_smoke.py, which fails
when one fails or does not end with its JSON line. Shown here on small scripts and on a broken copy of a real
benchmark (the smoke runs themselves belong to .ci/run, not to this suite)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
RUNNER = BENCHMARKS / "run_smoke.py"


def _runner():
    spec = importlib.util.spec_from_file_location("run_smoke", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_smoke(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, str(RUNNER), str(folder)], capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120, check=False)


def test_ci_runs_every_benchmark_in_smoke_size_after_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("pytest") < ci.index("python benchmarks/run_smoke.py") < ci.index("wintest -m pytest")
    names = {p.name for p in _runner().benchmarks(BENCHMARKS)}
    assert names == {"check_merge.py", "compile.py", "demo.py", "distribute.py", "editions.py", "publish.py",
                     "website.py"}


def test_every_benchmark_documents_how_to_run_it_and_its_json() -> None:
    for script in _runner().benchmarks(BENCHMARKS):
        text = script.read_text(encoding="utf-8")
        doc = text.split('"""')[1]
        assert f"python benchmarks/{script.name}" in doc and "--smoke" in doc, script.name
        assert "JSON" in doc and ("Target" in doc or "No target" in doc), script.name
        assert "emit(" in text, script.name  # the JSON line comes from harness.emit, printed last


def test_a_failing_benchmark_or_one_without_json_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text('import sys\nassert "--smoke" in sys.argv\nprint("läuft")\nprint(\'{"ok": 1}\')\n',
                                      encoding="utf-8")
    (tmp_path / "no_json.py").write_text('print("fertig, aber ohne JSON")\n', encoding="utf-8")
    (tmp_path / "crashes.py").write_text('print(\'{"ok": 1}\')\nraise SystemExit("kaputt")\n', encoding="utf-8")
    (tmp_path / "harness.py").write_text("raise SystemExit(1)  # a shared module, never run\n", encoding="utf-8")
    done = _run_smoke(tmp_path)
    assert done.returncode == 1, done.stdout
    assert "good.py --smoke: ok" in done.stdout
    assert "no_json.py --smoke: FEHLER" in done.stdout and "die letzte Zeile ist kein JSON-Objekt" in done.stdout
    assert "crashes.py --smoke: FEHLER" in done.stdout and "Exit-Code 1" in done.stdout
    assert "harness.py" not in done.stdout
    assert "2 von 3 Benchmarks fehlgeschlagen: crashes.py, no_json.py" in done.stdout

    for broken in ("no_json.py", "crashes.py"):
        (tmp_path / broken).unlink()
    done = _run_smoke(tmp_path)
    assert done.returncode == 0 and "Alle 1 Benchmarks laufen (--smoke)." in done.stdout, done.stdout


def test_a_broken_copy_of_a_real_benchmark_fails_the_run(tmp_path: Path) -> None:
    """The way the benchmarks rotted before: the toolkit renamed what a benchmark uses, and nothing ran it."""
    copy = tmp_path / "benchmarks"
    copy.mkdir()
    for name in ("harness.py", "synthetic.py", "distribute.py"):
        shutil.copy(BENCHMARKS / name, copy / name)
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "workbook_edit.py", tmp_path / "tests")
    script = copy / "distribute.py"
    text = script.read_text(encoding="utf-8")
    assert "import distribute_round, round_cells" in text
    script.write_text(text.replace("import distribute_round, round_cells", "import distribute_all, round_cells"),
                      encoding="utf-8")
    done = _run_smoke(copy)
    assert done.returncode == 1, done.stdout
    assert "distribute.py --smoke: FEHLER" in done.stdout
    assert "ImportError: cannot import name 'distribute_all' from 'toolkit.collect.distribute'" in done.stdout
    assert "1 von 1 Benchmarks fehlgeschlagen: distribute.py" in done.stdout


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    done = _run_smoke(tmp_path)
    assert done.returncode == 2 and f"Keine Benchmarks in {tmp_path}." in done.stdout
