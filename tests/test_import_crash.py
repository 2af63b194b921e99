"""import interrupted at each step (an exception, and a real kill in a new process): the next run leaves exactly the
state of an uninterrupted import, the master matrix included; the matrix follows the store's Datenstand."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import make_workspace
from openpyxl import load_workbook
from typer.testing import CliRunner

import toolkit.merge.imports as imports_module
from toolkit.cli import app
from toolkit.core.store import Store
from toolkit.merge.imports import import_values
from toolkit.merge.matrix import matrix_stand, written_stand

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
STEPS = ("stored", "committed", "matrix")
HEADER = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("import") / "werte.csv"
    rows = [f"{year};DEM-01;{area};insgesamt;insgesamt;Wert;{1000 + 10 * year + n};;\n"
            for year in range(2020, 2025) for n, area in enumerate(("Gesamtstadt", "04", "72", "Altstadt"))]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _state(workspace) -> dict:
    """Everything an import leaves, without times: store, matrix (values and Datenstand), stray files."""
    with Store.read_only(workspace.store_file) as store:
        observations = [tuple(r) for r in store.db.execute(
            "SELECT indicator, year, area, grp, sex, measure, value, flag, note, delivery_id FROM observations"
            " ORDER BY 1, 2, 3, 4, 5, 6")]
        deliveries = [tuple(r) for r in store.db.execute(
            "SELECT id, office, year, file_name, sha256, source, n_fehler, n_warnungen, n_hinweise FROM deliveries")]
        history = store.db.execute("SELECT count(*) FROM history").fetchone()[0]
        current = written_stand(workspace.master_matrix) == matrix_stand(workspace, store)
    book = load_workbook(workspace.master_matrix, read_only=True)
    matrix = [row[:12] for row in book["Werte"].iter_rows(values_only=True)]  # without the time of the delivery
    book.close()
    return {"observations": observations, "deliveries": deliveries, "history": history, "matrix": matrix,
            "matrix_current": current, "outbox": sorted(p.name for p in workspace.outbox.iterdir())}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, table) -> dict:
    workspace = make_workspace(tmp_path_factory.mktemp("ref") / "ws")
    import_values(workspace, table)
    return _state(workspace)


def test_the_reference_import_leaves_a_current_matrix(reference):
    assert reference["matrix_current"] and len(reference["matrix"]) == 1 + 20
    assert reference["outbox"] == ["Monitoringdaten.xlsx"]


@pytest.mark.parametrize("step", STEPS)
def test_an_import_failing_at_a_step_then_run_again_equals_one_run(tmp_path, table, reference, step):
    workspace = make_workspace(tmp_path / "ws")

    def fail(name: str) -> None:
        if name == step:
            raise RuntimeError(f"injected failure after {name}")

    imports_module.fault_hook = fail
    try:
        with pytest.raises(RuntimeError):
            import_values(workspace, table)
    finally:
        imports_module.fault_hook = None
    again = import_values(workspace, table)
    assert again.already == (step != "stored")
    assert (again.matrix is not None) == (step != "matrix")  # rewritten exactly when it was behind
    assert _state(workspace) == reference


@pytest.mark.parametrize("step", ("stored", "committed"))
def test_an_import_killed_at_a_step_then_run_again_equals_one_run(tmp_path, table, reference, step, monkeypatch):
    """kill -9 as the issue measured it: the process ends at once, no finally, no rollback, no cleanup."""
    workspace = make_workspace(tmp_path / "ws")
    code = textwrap.dedent("""
        import os, sys
        import toolkit.merge.imports as imports
        imports.fault_hook = lambda step: os._exit(137) if step == sys.argv[1] else None
        from toolkit.cli import main
        main(["import", sys.argv[2], "-w", sys.argv[3]])
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, step, str(table), str(workspace.root)], env=env,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 137, done.stderr.decode("utf-8", "replace")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["import", str(table), "-w", "ws"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split()).split("┘ ")[-1]  # the lines below the table of findings
    if step == "committed":  # the values were in; the matrix was not: it follows now
        assert output == ("werte.csv: wurde schon importiert; es ändert sich nichts. Monitoringdaten auf den Stand "
                          f"des Datenbestands gebracht: {Path('ws/outbox/Monitoringdaten.xlsx')}")
    else:  # rolled back by SQLite on the next opening
        assert output.startswith("werte.csv: 20 Zeilen importiert (20 neue Werte, 0 geänderte Werte)")
    assert _state(workspace) == reference


def test_a_repeated_import_leaves_a_current_matrix_alone(tmp_path, table):
    workspace = make_workspace(tmp_path / "ws")
    import_values(workspace, table)
    matrix = workspace.master_matrix.read_bytes()
    (workspace.outbox / ".Monitoringdaten.abc123.xlsx").write_bytes(b"left by a killed writer")
    again = import_values(workspace, table)
    assert again.already and again.matrix is None
    assert again.lines() == ["werte.csv: wurde schon importiert; es ändert sich nichts."]
    assert workspace.master_matrix.read_bytes() == matrix
    with Store(workspace.store_file) as store, store.transaction():  # any change of the store: the matrix is behind
        store.set_meta("notiz", "geändert")
    third = import_values(workspace, table)
    assert third.matrix == workspace.master_matrix
    assert sorted(p.name for p in workspace.outbox.iterdir()) == ["Monitoringdaten.xlsx"]  # the leftover is gone


def test_a_matrix_from_another_folder_is_not_taken_for_current(tmp_path, table):
    first, second = make_workspace(tmp_path / "a"), make_workspace(tmp_path / "b")
    import_values(first, table)
    import_values(second, table)
    second.master_matrix.write_bytes(first.master_matrix.read_bytes())  # same data, but another store
    with Store.read_only(second.store_file) as store:
        assert written_stand(second.master_matrix) != matrix_stand(second, store)
    assert import_values(second, table).matrix == second.master_matrix


def _current(workspace) -> bool:
    with Store.read_only(workspace.store_file) as store:
        return written_stand(workspace.master_matrix) == matrix_stand(workspace, store)


def test_distribute_brings_the_matrix_up_to_the_datenstand_it_advanced(tmp_path, table, monkeypatch):
    workspace = make_workspace(tmp_path / "ws")
    import_values(workspace, table)
    assert _current(workspace)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["distribute", "--year", "2025", "--office", "JUGA", "-w", "ws"])
    assert result.exit_code == 0, result.output
    # before: the round advanced the Datenstand and left the matrix behind ('toolkit upgrade' then rewrote it)
    assert f"Monitoringdaten erneuert: {Path('ws/outbox/Monitoringdaten.xlsx')}\n" in result.output
    assert _current(workspace)
    upgrade = runner.invoke(app, ["upgrade", "-w", "ws"])
    assert upgrade.exit_code == 0 and "Monitoringdaten" not in upgrade.output, upgrade.output


def test_merge_with_an_empty_inbox_says_once_that_it_is_empty_and_that_it_refreshed_a_stale_matrix(
        tmp_path, table, monkeypatch):
    workspace = make_workspace(tmp_path / "ws")
    import_values(workspace, table)
    with Store(workspace.store_file) as store, store.transaction():  # a change the matrix does not show yet
        store.set_meta("notiz", "geändert")
    assert not _current(workspace)
    monkeypatch.chdir(tmp_path)
    empty = "In inbox/ liegen keine Dateien; nichts zu übernehmen. Zurückgesandte Erhebungsbögen bitte dort ablegen.\n"
    result = runner.invoke(app, ["merge", "-w", "ws"])
    # before: "Keine Dateien zu prüfen: inbox/ ist leer …" and "In inbox/ liegen keine Dateien …", the matrix
    # rewritten without a word
    assert (result.exit_code, result.output) == (
        0, f"{empty}Monitoringdaten erneuert: {Path('ws/outbox/Monitoringdaten.xlsx')}\n")
    assert _current(workspace)
    matrix = workspace.master_matrix.read_bytes()
    again = runner.invoke(app, ["merge", "-w", "ws"])
    assert (again.exit_code, again.output) == (0, empty)
    assert workspace.master_matrix.read_bytes() == matrix
