"""merge: values with provenance and history, archive byte for byte, idempotent, interruptible, locked."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from bad_returns import build_all
from conftest import make_workspace
from typer.testing import CliRunner
from workbook_edit import filled_cells, generate, set_cells

import toolkit.cli
import toolkit.merge.intake as merge_module
from toolkit.collect.layout import plan_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.merge.intake import merge_returns

runner = CliRunner()
STEPS = ("checked", "archived", "stored", "committed", "removed", "matrix")


@pytest.fixture(scope="module")
def files(tmp_path_factory, catalogue):
    """A clean JUGA return, a clean SOZ return, and a JUGA return with a Fehler (text in a number cell)."""
    root = tmp_path_factory.mktemp("merge")
    good = build_all(root / "bad", catalogue)
    soz = generate(root / "soz.xlsx", catalogue, "SOZ", 2025)
    soz_good = set_cells(soz, root / "Erhebung_2025_SOZ.xlsx", filled_cells(plan_workbook(catalogue, "SOZ", 2025)))
    return {"Erhebung_2025_JUGA.xlsx": good, "Erhebung_2025_SOZ.xlsx": soz_good,
            "Erhebung_2025_JUGA_falsch.xlsx": root / "bad" / "text_in_number.xlsx"}


def _fill(workspace, files) -> None:
    for name, source in files.items():
        shutil.copy(source, workspace.inbox / name)


def _state(workspace) -> dict:
    """Everything a merge produces, without times."""
    with Store(workspace.store_file) as store:
        observations = store.db.execute(
            "SELECT indicator, year, area, grp, sex, measure, value, flag, note, delivery_id FROM observations"
            " ORDER BY 1,2,3,4,5,6").fetchall()
        deliveries = store.db.execute(
            "SELECT id, office, year, file_name, sha256, source, token, archive_path, n_fehler, n_warnungen,"
            " n_hinweise FROM deliveries ORDER BY id").fetchall()
        history = store.db.execute(
            "SELECT indicator, year, area, grp, sex, measure, old_value, new_value, old_delivery_id, new_delivery_id,"
            " reason FROM history ORDER BY id").fetchall()
        checks = store.db.execute("SELECT sha256, file_name, ok, n_fehler FROM checks ORDER BY sha256").fetchall()
    archive = {p.relative_to(workspace.archive).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in workspace.archive.rglob("*") if p.is_file()}
    return {"observations": [tuple(r) for r in observations], "deliveries": [tuple(r) for r in deliveries],
            "history": [tuple(r) for r in history], "checks": [tuple(r) for r in checks], "archive": archive,
            "inbox": sorted(p.name for p in workspace.inbox.iterdir()),
            "matrix": workspace.master_matrix.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, files):
    workspace = make_workspace(tmp_path_factory.mktemp("ref") / "ws")
    _fill(workspace, files)
    result = merge_returns(workspace)
    return workspace, result, _state(workspace)


def test_merge_takes_clean_files_and_keeps_files_with_fehler(reference, files):
    workspace, result, state = reference
    assert result.exit_code == 1
    assert state["inbox"] == ["Erhebung_2025_JUGA_falsch.xlsx"]
    assert sorted(state["archive"]) == ["2025/JUGA/Erhebung_2025_JUGA.xlsx", "2025/SOZ/Erhebung_2025_SOZ.xlsx"]
    for name in ("Erhebung_2025_JUGA.xlsx", "Erhebung_2025_SOZ.xlsx"):
        office = name.split("_")[2].split(".")[0]
        archived = workspace.archive / "2025" / office / name
        assert archived.read_bytes() == files[name].read_bytes()
    assert [d[1] for d in state["deliveries"]] == ["JUGA", "SOZ"]
    assert len(state["checks"]) == 3 and sum(1 for c in state["checks"] if not c[2]) == 1
    with Store(workspace.store_file) as store:
        value = store.get(ObservationKey("SPR-03", 2025, "gesamtstadt", "insgesamt", "insgesamt", "zaehler"))
    assert value is not None and value.value == 4800
    assert any("übernommen" in line for line in result.lines())
    assert (workspace.check_reports_dir(2025) / "Pruefbericht_Erhebung_2025_JUGA_falsch.xlsx").is_file()


def test_merge_twice_is_merge_once(tmp_path, files, reference):
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    merge_returns(workspace)
    first = _state(workspace)
    shutil.copy(files["Erhebung_2025_JUGA.xlsx"], workspace.inbox / "Erhebung_2025_JUGA.xlsx")
    again = merge_returns(workspace)
    assert _state(workspace) == first == reference[2]
    assert any(p.code == "bereits-uebernommen" for r in again.reports for p in r.problems)


@pytest.mark.parametrize("step", STEPS)
def test_interrupted_merge_then_rerun_equals_uninterrupted(tmp_path, files, reference, step):
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)

    def fail(name: str, file: str) -> None:
        if name == step and file in ("", "Erhebung_2025_SOZ.xlsx"):
            raise RuntimeError(f"injected failure after {name}")

    _merge_failing(workspace, fail)
    # consistent after the failure: every archived file is byte-identical, nothing left inbox uncommitted
    with Store(workspace.store_file) as store:
        merged = {r["file_name"] for r in store.deliveries()}
    for name in files:
        if not (workspace.inbox / name).exists():
            assert name in merged
    merge_returns(workspace)
    assert _state(workspace) == reference[2]


def test_rollback_inside_transaction_leaves_no_values(tmp_path, files):
    workspace = make_workspace(tmp_path / "ws")
    shutil.copy(files["Erhebung_2025_SOZ.xlsx"], workspace.inbox / "Erhebung_2025_SOZ.xlsx")

    def fail(name: str, file: str) -> None:
        if name == "stored":
            raise RuntimeError("boom")

    _merge_failing(workspace, fail)
    with Store(workspace.store_file) as store:
        assert store.deliveries() == [] and store.values() == {}
    assert (workspace.inbox / "Erhebung_2025_SOZ.xlsx").is_file()


def test_later_delivery_keeps_old_value_in_history(tmp_path, files, catalogue):
    workspace = make_workspace(tmp_path / "ws")
    shutil.copy(files["Erhebung_2025_SOZ.xlsx"], workspace.inbox / "Erhebung_2025_SOZ.xlsx")
    merge_returns(workspace)
    plan = plan_workbook(catalogue, "SOZ", 2025)
    slot = next(s for s in plan.input_slots() if s.key.measure == "zaehler")
    corrected = set_cells(files["Erhebung_2025_SOZ.xlsx"], workspace.inbox / "Erhebung_2025_SOZ_v2.xlsx",
                          {(slot.sheet, slot.cell): 99.0, ("Erfassung", "M5"): "Korrektur nach Nachmeldung"})
    assert corrected.is_file()
    result = merge_returns(workspace)
    assert result.exit_code == 0
    with Store(workspace.store_file) as store:
        rows = store.history_rows(slot.key.indicator)
        value = store.get(slot.key)
    assert value.value == 99.0
    changed = [r for r in rows if r["old_value"] is not None and r["new_value"] == 99.0]
    assert changed and changed[0]["old_file"] == "Erhebung_2025_SOZ.xlsx"
    log = runner.invoke(toolkit.cli.app, ["log", "-w", str(workspace.root), "--indicator", slot.key.indicator])
    assert log.exit_code == 0 and "99" in log.output


@pytest.mark.parametrize("workers", [1, 2])
def test_corrected_previous_year_becomes_history(tmp_path, files, catalogue, workers, monkeypatch):
    import toolkit.returns.workers as check_workers

    monkeypatch.setattr(check_workers, "workers_for", lambda kind, size, items, processes: workers)
    workspace = make_workspace(tmp_path / "ws")
    plan = plan_workbook(catalogue, "SOZ", 2025)
    history_slot = next(s for s in plan.slots if s.role == "history" and s.key.year == 2024)
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="SOZ", year=2024, file_name="alt.xlsx", sha256="a" * 64)
        store.put(history_slot.key, 10.0, "", "", delivery)
    set_cells(files["Erhebung_2025_SOZ.xlsx"], workspace.inbox / "Erhebung_2025_SOZ.xlsx",
              {(history_slot.sheet, history_slot.cell): 12.0})
    result = merge_returns(workspace)
    assert any(p.code == "vorjahr-geaendert" for p in result.reports[0].problems)
    with Store(workspace.store_file) as store:
        assert store.get(history_slot.key).value == 12.0
        row = store.history_rows(history_slot.key.indicator)[-1]
    assert row["old_value"] == 10.0 and "Korrektur Vorjahr" in row["reason"]


def test_same_value_from_two_offices_is_a_fehler_naming_both_files(tmp_path, files, catalogue):
    workspace = make_workspace(tmp_path / "ws")
    key = ObservationKey("SPR-03", 2025, "gesamtstadt", "insgesamt", "insgesamt", "zaehler")
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2025, file_name="Erhebung_2025_STAT.xlsx", sha256="b" * 64)
        store.put(key, 1.0, "", "", delivery)
    shutil.copy(files["Erhebung_2025_JUGA.xlsx"], workspace.inbox / "Erhebung_2025_JUGA.xlsx")
    result = merge_returns(workspace)
    assert result.exit_code == 1
    problem = next(p for p in result.reports[0].problems if p.code == "doppelte-lieferung")
    assert "Erhebung_2025_STAT.xlsx" in problem.message and "Erhebung_2025_JUGA.xlsx" in problem.message
    assert (workspace.inbox / "Erhebung_2025_JUGA.xlsx").is_file()


def test_dry_run_changes_nothing(tmp_path, files):
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    result = runner.invoke(toolkit.cli.app, ["merge", "--dry-run", "-w", str(workspace.root)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Probelauf" in output and "Erhebung_2025_SOZ.xlsx: würde übernommen" in output
    assert not workspace.store_file.exists()
    assert len(list(workspace.inbox.iterdir())) == 3 and not list(workspace.archive.rglob("*.xlsx"))


def test_cli_merge_messages_and_matrix(tmp_path, files, monkeypatch):
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", "ws"])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Erhebung_2025_SOZ.xlsx: übernommen (" in output
    report = Path("ws/outbox/2025/Pruefberichte/Pruefbericht_Erhebung_2025_JUGA_falsch.xlsx")
    assert (f"1 Datei mit Fehlern bleibt in {Path('ws/inbox')}; der Prüfbericht {report} sagt, was zu korrigieren "
            f"ist. Monitoringdaten erneuert: {Path('ws/outbox/Monitoringdaten.xlsx')}") in output  # was "1 Datei(en)"
    assert workspace.master_matrix.is_file() and (tmp_path / report).is_file()


def test_second_process_gets_busy_error(tmp_path, files):
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    holder = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from toolkit.core.workspace import Workspace, locked
        with locked(Workspace(Path({str(workspace.root)!r})), "toolkit merge (Test)"):
            print("ready", flush=True)
            sys.stdin.readline()
    """)
    process = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, cwd=Path(__file__).parent.parent)
    try:
        assert process.stdout.readline().strip() == "ready"
        result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
        assert result.exit_code == 5
        output = " ".join(result.output.split())
        assert "gesperrt" in output and "toolkit merge (Test)" in output
        assert len(list(workspace.inbox.iterdir())) == 3
    finally:
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(timeout=10)
    start = time.perf_counter()
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    assert result.exit_code == 1 and time.perf_counter() - start < 10
    assert [p.name for p in workspace.inbox.iterdir()] == ["Erhebung_2025_JUGA_falsch.xlsx"]


def test_matrix_has_return_status_sheet_when_rounds_exist(tmp_path, files):
    from openpyxl import load_workbook

    workspace = make_workspace(tmp_path / "ws")
    with Store(workspace.store_file) as store, store.transaction():
        for office in ("JUGA", "SOZ"):
            store.record_round(year=2025, office=office, token="T-1", deadline="2026-03-31", file_name="x.xlsx",
                               sha256="", layout_version="1", fingerprint="")
    _fill(workspace, files)
    merge_returns(workspace)
    book = load_workbook(workspace.master_matrix, read_only=True)
    assert "Rücklauf" in book.sheetnames
    rows = [[str(c) for c in r if c is not None] for r in book["Rücklauf"].iter_rows(values_only=True)]
    assert any("SOZ" in " ".join(r) for r in rows[1:])
    open_rows = list(book["Offene Befunde"].iter_rows(values_only=True))
    assert any(r[0] == "Erhebung_2025_JUGA_falsch.xlsx" and r[4] == "keine-zahl" for r in open_rows[1:])
    book.close()


def test_corrected_file_with_same_name_is_archived_beside_the_first(tmp_path, files, catalogue):
    workspace = make_workspace(tmp_path / "ws")
    name = "Erhebung_2025_SOZ.xlsx"
    shutil.copy(files[name], workspace.inbox / name)
    merge_returns(workspace)
    slot = plan_workbook(catalogue, "SOZ", 2025).input_slots()[0]
    set_cells(files[name], workspace.inbox / name, {(slot.sheet, slot.cell): 1.0})
    second = hashlib.sha256((workspace.inbox / name).read_bytes()).hexdigest()
    merge_returns(workspace)
    archived = sorted(p.name for p in (workspace.archive / "2025" / "SOZ").iterdir())
    assert archived == [name, f"Erhebung_2025_SOZ_{second[:12]}.xlsx"]
    assert (workspace.archive / "2025" / "SOZ" / name).read_bytes() == files[name].read_bytes()


def _merge_failing(workspace, fail) -> None:
    """Run a merge with the fault hook ``fail`` installed; it must stop with the injected error."""
    merge_module.fault_hook = fail
    try:
        with pytest.raises(RuntimeError):
            merge_returns(workspace)
    finally:
        merge_module.fault_hook = None


def test_store_of_version_0_1_is_upgraded_without_losing_values(tmp_path):
    """The first version kept updated_at per value in a rowid table; opening the store moves the values over."""
    import sqlite3

    path = tmp_path / "monitoring.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, office TEXT NOT NULL, year INTEGER NOT NULL,"
        " file_name TEXT NOT NULL, sha256 TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'return',"
        " token TEXT NOT NULL DEFAULT '', layout_version TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL,"
        " merged_at TEXT NOT NULL, archive_path TEXT NOT NULL DEFAULT '', n_fehler INTEGER NOT NULL DEFAULT 0,"
        " n_warnungen INTEGER NOT NULL DEFAULT 0, n_hinweise INTEGER NOT NULL DEFAULT 0,"
        " problems_json TEXT NOT NULL DEFAULT '[]', UNIQUE (sha256, office, year));"
        "CREATE TABLE observations (indicator TEXT NOT NULL, year INTEGER NOT NULL, area TEXT NOT NULL,"
        " grp TEXT NOT NULL, sex TEXT NOT NULL, measure TEXT NOT NULL, value REAL, flag TEXT NOT NULL DEFAULT '',"
        " note TEXT NOT NULL DEFAULT '', delivery_id INTEGER NOT NULL REFERENCES deliveries(id),"
        " updated_at TEXT NOT NULL, PRIMARY KEY (indicator, year, area, grp, sex, measure));"
        "CREATE INDEX observations_delivery ON observations(delivery_id);"
        "INSERT INTO deliveries (office, year, file_name, sha256, received_at, merged_at)"
        " VALUES ('STAT', 2024, 'alt.xlsx', 'ab', '2025-01-02T10:00:00', '2025-01-02T10:00:00');"
        "INSERT INTO observations VALUES ('BIL-01', 2024, 'gesamtstadt', 'insgesamt', 'insgesamt', 'wert', 12.5,"
        " 'vorläufig', 'Hinweis', 1, '2025-01-02T10:00:00');")
    db.close()
    with Store(path) as store:
        columns = [row[1] for row in store.db.execute("PRAGMA table_info(observations)")]
        key = ObservationKey("BIL-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert")
        stored = store.get(key)
        frame = store.observations_frame()
    assert "updated_at" not in columns
    assert stored is not None and (stored.value, stored.flag, stored.note, stored.delivery_id) == (12.5, "vorläufig",
                                                                                                   "Hinweis", 1)
    assert frame["updated_at"].tolist() == ["2025-01-02T10:00:00"]
    with Store(path) as again:  # a second open changes nothing
        assert again.get(key) == stored


def test_merge_with_worker_processes_equals_merge_in_one_process(tmp_path, files, reference, monkeypatch):
    """Large rounds are read and checked in worker processes; reports, store and Prüfberichte stay the same."""
    import toolkit.core.runtime as runtime
    import toolkit.returns.workers as check_workers

    paths = sorted(files.values())
    assert runtime.workers_for("check", check_workers.total_size(paths), len(paths)) == 1  # a small round
    monkeypatch.setitem(runtime.POOL_THRESHOLDS, "check", runtime.PoolThreshold(0, items=1))
    monkeypatch.setattr(runtime, "cpu_count", lambda: 2)
    assert runtime.workers_for("check", check_workers.total_size(paths), len(paths)) == 2
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    result = merge_returns(workspace)
    ref_workspace, ref_result, ref_state = reference
    assert _state(workspace) == ref_state
    assert [(r.file, [(p.code, p.sheet, p.cell, p.message) for p in r.problems]) for r in result.reports] == \
        [(r.file, [(p.code, p.sheet, p.cell, p.message) for p in r.problems]) for r in ref_result.reports]
    assert [(o.file, o.action, o.new, o.changed) for o in result.outcomes] == \
        [(o.file, o.action, o.new, o.changed) for o in ref_result.outcomes]
    report = "Pruefbericht_Erhebung_2025_JUGA_falsch.xlsx"
    made, expected = (_cells(w.check_reports_dir(2025) / report) for w in (workspace, ref_workspace))
    for cells in (made, expected):  # the time of the check differs when the minute turns between the two runs
        cells["Prüfbericht"] = [row for row in cells["Prüfbericht"] if row[0] != "Geprüft am"]
    assert made == expected and len(made["Prüfbericht"]) > 5


def _cells(path: Path) -> dict[str, list]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _styled_cells(path: Path) -> dict[str, list]:
    """Every cell of every sheet as openpyxl reads it: value, type, number format, bold, italic, fill; and the
    sheet's frozen panes, filter and column widths."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {ws.title: ([[(c.value, c.data_type, c.number_format, c.font.b, c.font.i, c.fill.fgColor.rgb)
                         for c in row] for row in ws.iter_rows()],
                       ws.freeze_panes, ws.auto_filter.ref,
                       {k: d.width for k, d in ws.column_dimensions.items()}) for ws in book.worksheets}


def test_matrix_written_with_the_public_api_reads_the_same_as_streamed(tmp_path, reference, catalogue,
                                                                       monkeypatch):
    """The fallback of the xlsxwriter adapter (no private API) makes the same cells, values and formats."""
    import toolkit.core.xlsxwriter_adapter as fast
    import toolkit.merge.matrix as matrix

    workspace = make_workspace(tmp_path / "ws")
    shutil.copy(reference[0].store_file, workspace.store_file)
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="Amt <&>", year=2025, file_name=" neu.xlsx", sha256="d" * 64)
        store.put(ObservationKey("SPR-03", 2025, "gesamtstadt", "insgesamt", "insgesamt", "nenner"), 7.0 / 3,
                  "geschätzt", ' =HYPERLINK("x") <b>&amp; ', delivery)
    with Store(workspace.store_file) as store:
        streamed = _styled_cells(matrix.write_master_matrix(workspace, store, catalogue))
        monkeypatch.setattr(fast, "STREAMED_ROWS", False)
        public = _styled_cells(matrix.write_master_matrix(workspace, store, catalogue))
    assert list(streamed) == list(public) and len(streamed["Werte"][0]) > 100
    for name, (rows, *layout) in streamed.items():
        assert tuple(layout) == public[name][1:], name
        assert len(rows) == len(public[name][0]), name
        for row, other in zip(rows, public[name][0], strict=True):
            for (value, *style), (other_value, *other_style) in zip(row, other, strict=True):
                assert style == other_style, name
                # a float that needs 17 digits keeps 16 in the fallback (xlsxwriter writes %.16G)
                assert value == other_value or value == pytest.approx(other_value, rel=1e-15, abs=0), name


# ---- files held open by Excel (Windows refuses to replace, rename or delete them) -------------------------


def _refuse(monkeypatch, target: Path, function: str = "replace") -> list[str]:
    """Make os.<function> raise PermissionError (as Windows does) for ``target``; return the refused calls."""
    real = getattr(os, function)
    refused = []

    def refusing(src, dst=None, *args, **kwargs):
        if Path(src) == target or (dst is not None and Path(dst) == target):
            refused.append(str(target))
            raise PermissionError(13, "Der Prozess kann nicht auf die Datei zugreifen", str(target))
        return real(src, dst, *args, **kwargs) if dst is not None else real(src, *args, **kwargs)

    monkeypatch.setattr(os, function, refusing)
    monkeypatch.setattr("toolkit.core.workspace.RETRY_DELAYS", (0.01, 0.01))
    return refused


def test_matrix_open_in_excel_stops_merge_before_any_change(tmp_path, files, reference, monkeypatch):
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    workspace.master_matrix.write_bytes(b"alte Matrix")  # as left by an earlier merge
    before = sorted(p.name for p in workspace.inbox.iterdir())
    refused = _refuse(monkeypatch, workspace.master_matrix, "rename")
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    assert result.exit_code == 7 and len(refused) == 3  # the first try and two retries
    output = " ".join(result.output.split())
    assert f"Die Datei {workspace.master_matrix} ist noch in Excel geöffnet. Bitte schließen und den Befehl " \
           "wiederholen." in output
    assert "Interner Fehler" not in output
    assert sorted(p.name for p in workspace.inbox.iterdir()) == before
    assert not workspace.store_file.exists() and not list(workspace.archive.rglob("*.xlsx"))
    assert workspace.master_matrix.read_bytes() == b"alte Matrix"
    monkeypatch.undo()
    assert merge_returns(workspace).exit_code == 1
    assert _state(workspace) == reference[2]


@pytest.mark.parametrize("opened", ["matrix", "return"])
def test_file_opened_after_the_check_leaves_a_state_that_a_rerun_completes(tmp_path, files, reference, monkeypatch,
                                                                           opened):
    """Excel opens the file between the check before the merge and its replacement or removal."""
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    target = workspace.master_matrix if opened == "matrix" else workspace.inbox / "Erhebung_2025_SOZ.xlsx"
    refused = _refuse(monkeypatch, target, "replace" if opened == "matrix" else "unlink")
    monkeypatch.setattr(merge_module, "ensure_closed", lambda paths: None)  # the file was still closed then
    if opened == "return":
        real_unlink = Path.unlink

        def unlink(self, missing_ok=False):
            os.unlink(self) if self == target else real_unlink(self, missing_ok=missing_ok)

        monkeypatch.setattr(Path, "unlink", unlink)
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    assert result.exit_code == 7 and refused, result.output
    assert "ist noch in Excel geöffnet" in " ".join(result.output.split())
    monkeypatch.undo()
    merge_returns(workspace)
    assert _state(workspace) == reference[2]


@pytest.mark.skipif(sys.platform != "win32", reason="Freigaberegeln für geöffnete Dateien gibt es nur unter Windows")
def test_matrix_held_open_by_another_process_on_windows(tmp_path, files, reference):
    """A second process holds the master matrix open (as Excel does): merge refuses, a rerun completes."""
    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    workspace.master_matrix.write_bytes(b"alte Matrix")
    holder = textwrap.dedent(f"""
        import sys
        with open({str(workspace.master_matrix)!r}, "rb"):
            print("offen", flush=True)
            sys.stdin.readline()
    """)
    process = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "offen"
        result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
        assert result.exit_code == 7, result.output
        assert f"Die Datei {workspace.master_matrix} ist noch in Excel geöffnet" in " ".join(result.output.split())
        assert not workspace.store_file.exists() and len(list(workspace.inbox.iterdir())) == 3
    finally:
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(timeout=30)
    assert merge_returns(workspace).exit_code == 1
    assert _state(workspace) == reference[2]


def test_archive_paths_are_stored_relative_with_forward_slashes(reference):
    _workspace, _result, state = reference
    paths = [row[7] for row in state["deliveries"]]
    assert paths == ["archive/2025/JUGA/Erhebung_2025_JUGA.xlsx", "archive/2025/SOZ/Erhebung_2025_SOZ.xlsx"]


def test_archive_paths_written_on_windows_are_upgraded_once(tmp_path):
    path = tmp_path / "monitoring.sqlite"
    with Store(path) as store, store.transaction():
        store.add_delivery(office="SOZ", year=2025, file_name="a.xlsx", sha256="a" * 64,
                           archive_path="archive\\2025\\SOZ\\a.xlsx")
    with Store(path) as store:
        assert [r["archive_path"] for r in store.deliveries()] == ["archive/2025/SOZ/a.xlsx"]


def test_status_of_the_matrix_reuses_the_plans_of_the_merge(tmp_path, files, catalogue, monkeypatch):
    """The sheet Rücklauf (round_status) takes the plans the merge made while checking, instead of planning every
    checked office's workbook again."""
    from toolkit.collect.status import round_status

    asked: list[str] = []

    def plans(office: str, year: int):
        asked.append(office)
        return plan_workbook(catalogue, office, year)

    workspace = make_workspace(tmp_path / "ws")
    _fill(workspace, files)
    given = []
    write = merge_module.write_master_matrix
    monkeypatch.setattr(merge_module, "write_master_matrix",
                        lambda ws, store, cat, plans=None: given.append(plans) or write(ws, store, cat, plans))
    merge_returns(workspace)
    assert len(given) == 1 and given[0] is not None and len(given[0]) == 2  # JUGA and SOZ, planned by the check
    status = round_status(workspace, 2025, catalogue=catalogue, plans=plans)
    assert asked == [s.office.code for s in status.offices] and "JUGA" in asked
