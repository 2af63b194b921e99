"""Reading commands never write the store (its bytes stay equal); an older store is upgraded once, under the folder
lock, by a command that writes; the store is opened read-only by SQLite itself."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path, PureWindowsPath

import pytest
from conftest import legacy_workspace
from report_fixtures import make_report_workspace
from typer.testing import CliRunner

from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.cli import app
from toolkit.core.keys import ObservationKey
from toolkit.core.store import STAND, Store
from toolkit.core.store_schema import sqlite_uri
from toolkit.core.workspace import locked

runner = CliRunner()
READING = [
    ["check"], ["status", "--year", "2025"], ["status", "--year", "2025", "--format", "json"], ["log"],
    ["log", "--indicator", "STT-01"], ["compile", "--year", "2024"], ["export", "--year", "2024"],
    ["merge", "--dry-run"], ["distribute", "--year", "2025", "--dry-run"],
]


def _text(result) -> str:
    return " ".join(result.output.split())


def _moving(workspace) -> int:
    """How many values of the 0.2 store lie under a Stadtteil number that differs from the Amt's key."""
    moves = workspace_catalogue(workspace).legacy_areas
    with Store.read_only(workspace.store_file, outdated_ok=True) as store:
        return sum(1 for key in store.values() if moves.get(key.area, key.area) != key.area)


def _outdated_message(store: str, command: str) -> str:
    return (f"Fehler: Der Datenbestand {store} stammt aus einer früheren Version des Toolkits und muss einmal "
            "umgestellt werden; dieser Befehl liest nur und ändert ihn nicht. "
            f"Bitte einmal '{command}' ausführen und den Befehl dann wiederholen (auch merge, import und distribute "
            "stellen ihn um). Alle Werte bleiben erhalten.")


@pytest.mark.parametrize("args", READING, ids=lambda a: " ".join(a))
def test_a_reading_command_leaves_a_0_2_store_as_it_is_and_names_the_upgrade(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    workspace = legacy_workspace(tmp_path / "ws")
    before = workspace.store_file.read_bytes()
    result = runner.invoke(app, [*args, "-w", "ws"])
    assert result.exit_code == 3, result.output
    assert _text(result) == _outdated_message(str(Path("ws/data/monitoring.sqlite")), "toolkit upgrade -w ws")
    assert workspace.store_file.read_bytes() == before
    assert not (workspace.data / "monitoring.sqlite-journal").exists()


def test_the_message_names_no_folder_when_the_user_stands_in_it(tmp_path, monkeypatch):
    workspace = legacy_workspace(tmp_path / "ws")
    monkeypatch.chdir(workspace.root)
    result = runner.invoke(app, ["status", "--year", "2025"])
    assert result.exit_code == 3
    assert _text(result) == _outdated_message(str(Path("data/monitoring.sqlite")), "toolkit upgrade")


def test_upgrade_moves_the_store_once_and_reading_works_afterwards(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workspace = legacy_workspace(tmp_path / "ws")
    with Store.read_only(workspace.store_file, outdated_ok=True) as store:
        barleber_see = store.get(ObservationKey("STT-01", 2024, "st04", "insgesamt", "insgesamt", "nenner"))
        stored = len(store.values())
    moving = _moving(workspace)
    first = runner.invoke(app, ["upgrade", "-w", "ws"])
    assert first.exit_code == 0, first.output
    assert _text(first) == (f"Datenbestand auf die aktuelle Version umgestellt: {moving} Werte der "
                            "Stadtteile stehen jetzt "
                            "unter den Stadtteilschlüsseln des Amts für Statistik (nach Namen zugeordnet); "
                            f"{stored} Werte gelten für alle Altersgruppen und alle Staatsangehörigkeiten (die neuen "
                            "Merkmale Altersgruppe und Staatsangehörigkeit). "
                            f"Monitoringdaten auf den Stand des Datenbestands gebracht: "
                            f"{Path('ws/outbox/Monitoringdaten.xlsx')}")
    with Store.read_only(workspace.store_file) as store:
        assert store.get(ObservationKey("STT-01", 2024, "st72", "insgesamt", "insgesamt", "nenner")) == barleber_see
    upgraded = workspace.store_file.read_bytes()
    again = runner.invoke(app, ["upgrade", "-w", "ws"])
    assert again.exit_code == 0
    assert _text(again) == "Der Arbeitsordner ws ist auf dem aktuellen Stand; es wurde nichts geändert."
    status = runner.invoke(app, ["status", "--year", "2025", "-w", "ws"])
    assert status.exit_code == 0, status.output
    assert workspace.store_file.read_bytes() == upgraded


def test_a_writing_command_upgrades_only_under_the_folder_lock(tmp_path):
    """Two commands opening a 0.2 folder at once: the second waits for nothing and changes nothing (exit 5)."""
    workspace = legacy_workspace(tmp_path / "ws")
    before = workspace.store_file.read_bytes()
    with locked(workspace, "toolkit merge (Test)"):
        result = runner.invoke(app, ["distribute", "--year", "2025", "--office", "WAHL", "-w", str(workspace.root)])
    assert result.exit_code == 5, result.output
    assert "gerade gesperrt (toolkit merge (Test)" in _text(result)
    assert workspace.store_file.read_bytes() == before
    assert not workspace.workbooks_dir(2025).exists()


def test_merge_upgrades_before_it_checks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workspace = legacy_workspace(tmp_path / "ws")
    moving = _moving(workspace)
    result = runner.invoke(app, ["merge", "-w", "ws"])
    assert result.exit_code == 0, result.output
    assert f"Datenbestand auf die aktuelle Version umgestellt: {moving} Werte der Stadtteile" in _text(result)
    with Store.read_only(workspace.store_file) as store:
        assert not store.outdated()


def test_reading_commands_leave_a_current_store_byte_for_byte_and_keep_no_pictures(tmp_path, monkeypatch):
    workspace = make_report_workspace(tmp_path / "ws", districts=9)  # 9 of 40 Stadtteile: 9 profile pages, not 40
    shutil.copy(Path(__file__).parent / "data" / "Erhebung_2025_DEZSOZ.xlsx", workspace.inbox)
    before = workspace.store_file.read_bytes()
    for args in (["check"], ["status", "--year", "2024"], ["log"], ["log", "--indicator", "DEM-01"],
                 ["merge", "--dry-run"], ["distribute", "--year", "2025", "--dry-run"], ["export", "--year", "2024"],
                 ["compile", "--year", "2024"]):
        result = runner.invoke(app, [*args, "-w", str(workspace.root)])
        assert result.exit_code in (0, 1), (args, result.output)
        assert workspace.store_file.read_bytes() == before, args
        assert workspace.picture_cache.exists() == (args[0] == "compile"), args  # only compile keeps pictures


def test_a_local_store_is_opened_in_sqlites_read_only_mode(tmp_path, monkeypatch):
    import toolkit.core.store as store_module

    folder = tmp_path / "Integration #2 ä%"
    folder.mkdir()
    path = folder / "monitoring.sqlite"
    Store(path).close()
    calls, real_connect = [], sqlite3.connect

    def connect(database, *args, **kwargs):
        calls.append((database, kwargs.get("uri")))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(store_module.sqlite3, "connect", connect)
    with Store.read_only(path) as store:
        assert calls == [(sqlite_uri(path), True)] and calls[0][0].endswith("?mode=ro")
        assert store.deliveries() == []
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")


def test_the_uri_of_a_store_on_each_kind_of_path():
    assert sqlite_uri(PureWindowsPath(r"C:\Daten\Integration #2 ä%\data\monitoring.sqlite")) == \
        "file:///C:/Daten/Integration%20%232%20%C3%A4%25/data/monitoring.sqlite?mode=ro"
    assert sqlite_uri(PureWindowsPath(r"Z:\Monitoring\data\monitoring.sqlite")) == \
        "file:///Z:/Monitoring/data/monitoring.sqlite?mode=ro"  # a mapped network drive is a drive
    # \\server\share as a URI would be file://server/share/…, which SQLite refuses: opened by its plain path
    assert sqlite_uri(PureWindowsPath(r"\\rathaus-fs01\Sozialdezernat\data\monitoring.sqlite")) is None


def test_a_store_left_by_a_killed_writer_is_read_in_its_last_committed_state(tmp_path):
    """A hot journal (a writer died inside a transaction) needs a rollback that read-only mode cannot do."""
    path = tmp_path / "monitoring.sqlite"
    key = ObservationKey("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert")
    with Store(path) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="a.xlsx", sha256="a" * 64)
        store.put(key, 1.0, "", "", delivery)
    copy = tmp_path / "kopie"
    copy.mkdir()
    with Store(path) as store:
        store.db.execute("PRAGMA cache_size = 1")  # the pages go to the file before the commit
        store.db.execute("BEGIN IMMEDIATE")
        store.db.executemany("INSERT INTO history (indicator, year, area, grp, sex, measure, new_delivery_id,"
                             " changed_at) VALUES ('DEM-01', ?, 'x', 'x', 'x', 'x', 1, 'x')",
                             [(n,) for n in range(20000)])
        for name in ("monitoring.sqlite", "monitoring.sqlite-journal"):  # as a kill -9 would leave them
            shutil.copy(tmp_path / name, copy / name)
        store.db.execute("ROLLBACK")
    assert (copy / "monitoring.sqlite-journal").stat().st_size > 0
    with Store.read_only(copy / "monitoring.sqlite") as store:
        assert store.get(key).value == 1.0 and store.history_rows() == []
        assert store.meta(STAND).endswith(":1")
