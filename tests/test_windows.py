"""Windows is where the city works: no POSIX-only modules, network folders, encodings, LibreOffice, install.

These tests run on Linux and under ../shared/tools/wintest (Windows CPython in Wine); where one can only apply
to one platform it is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app
from toolkit.core.errors import InputError
from toolkit.core.settings import load_settings
from toolkit.core.store import JOURNAL_MODE, Store
from toolkit.report.pdf import find_libreoffice

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _python(code: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter with the project root on the path; stdout and stderr as bytes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUTF8", None)
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, cwd=ROOT, env=env,
                          timeout=120, check=False, **kwargs)


def test_every_module_imports_without_posix_only_modules():
    code = textwrap.dedent("""
        import importlib, importlib.abc, pkgutil, sys
        BLOCKED = {"fcntl", "pwd", "grp", "termios", "resource"}
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{name} gibt es unter Windows nicht")
        for name in BLOCKED:
            sys.modules.pop(name, None)
        sys.meta_path.insert(0, Block())
        import toolkit
        names = [m.name for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.")]
        for name in names:
            importlib.import_module(name)
        print(len(names))
    """)
    done = _python(code)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    count = int(done.stdout.decode().strip())
    assert count == len(list((ROOT / "toolkit").rglob("*.py"))) - 1  # every module but the package's __init__


@pytest.mark.skipif(sys.platform != "win32", reason="\\\\server\\share\\… ist nur unter Windows ein Netzwerkpfad")
def test_read_only_store_on_a_network_share_is_opened_by_its_plain_path(monkeypatch):
    """\\\\server\\share\\… as a file: URI would be file://server/share/…, which SQLite refuses."""
    import toolkit.core.store as store_module

    unc = Path(r"\\rathaus-fs01\Sozialdezernat\Integrationsmonitoring\data\monitoring.sqlite")
    calls, real_connect = [], sqlite3.connect

    def connect(database, *args, **kwargs):
        calls.append((database, args, kwargs))
        return real_connect(":memory:")

    monkeypatch.setattr(store_module.sqlite3, "connect", connect)
    monkeypatch.setattr(Path, "is_file", lambda self: True)
    store = Store.read_only(unc, outdated_ok=True)
    try:
        ((database, args, kwargs),) = calls
        assert database == str(unc) and not database.startswith("file:")
        assert not kwargs.get("uri") and not args
        assert store.db.execute("PRAGMA query_only").fetchone()[0] == 1
    finally:
        store.close()


def test_read_only_store_refuses_every_change(tmp_path):
    path = tmp_path / "monitoring.sqlite"
    Store(path).close()
    store = Store.read_only(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("DELETE FROM deliveries")
    finally:
        store.close()
    with pytest.raises(InputError, match="fehlt"):
        Store.read_only(tmp_path / "gibt-es-nicht.sqlite")


def test_store_uses_a_rollback_journal_safe_on_network_drives(tmp_path):
    path = tmp_path / "monitoring.sqlite"
    wal = sqlite3.connect(path)
    assert wal.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"  # a store of version 0.1
    wal.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == JOURNAL_MODE.lower() == "truncate"
    assert not Path(f"{path}-wal").exists()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # the file left WAL mode for good
    check.close()


def test_json_through_a_pipe_is_utf8(tmp_path):
    """`toolkit check --format json | …`: valid UTF-8 JSON, also where the ANSI code page is the default."""
    from conftest import make_workspace

    workspace = make_workspace(tmp_path / "ws")
    (workspace.inbox / "Rückläufer_Jugendamt_ä.xlsx").write_bytes(b"kein Excel")
    done = _python("from toolkit.cli import run; run()", "check", "--format", "json", "-w", str(workspace.root))
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    reports = json.loads(done.stdout.decode("utf-8"))
    assert [r["file"] for r in reports] == ["Rückläufer_Jugendamt_ä.xlsx"]
    assert reports[0]["problems"] and not reports[0]["ok"]


def test_german_messages_through_a_pipe_are_utf8(tmp_path):
    done = _python("from toolkit.cli import run; run()", "status", "--year", "2025", "-w", str(tmp_path / "gibt-es-nicht"))
    assert done.returncode == 3
    assert "Mit 'toolkit init ORDNER' einen neuen Arbeitsordner anlegen" in done.stderr.decode("utf-8")


def test_settings_saved_with_a_byte_order_mark_are_read(tmp_path):
    path = tmp_path / "toolkit.toml"
    path.write_bytes("\ufeff[bericht]\nstadt = \"Landeshauptstadt Magdeburg – Süd\"\n".encode())
    assert load_settings(path).stadt == "Landeshauptstadt Magdeburg – Süd"


def test_settings_saved_as_ansi_get_a_german_message(workspace):
    text = "[bericht]\n# Einstellungen\nherausgeber = \"Dezernat für Soziales\"\n"
    workspace.settings_file.write_bytes(text.encode("cp1252"))
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--dry-run"])
    assert result.exit_code == 3
    output = " ".join(result.output.split())
    assert f"Die Einstellungsdatei {workspace.settings_file} ist nicht als UTF-8 gespeichert (Zeile 3" in output
    assert "'Codierung' 'UTF-8' einstellen" in output and "Traceback" not in output


def test_libreoffice_is_found_in_the_windows_install_folder(tmp_path, monkeypatch):
    soffice = tmp_path / "Programme" / "LibreOffice" / "program" / "soffice.exe"
    soffice.parent.mkdir(parents=True)
    soffice.write_bytes(b"")
    monkeypatch.setattr("toolkit.report.pdf.shutil.which", lambda name: None)
    for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Programme"))
    assert find_libreoffice() == soffice


def test_libreoffice_path_from_the_settings(workspace, tmp_path):
    soffice = tmp_path / "LO" / "soffice.exe"
    soffice.parent.mkdir()
    soffice.write_bytes(b"")
    workspace.settings_file.write_text('[programme]\nlibreoffice = "../LO/soffice.exe"\n', encoding="utf-8")
    configured = load_settings(workspace.settings_file).libreoffice
    assert Path(configured).resolve() == soffice.resolve()
    assert find_libreoffice(configured) == Path(configured)
    with pytest.raises(InputError, match=r"\[programme\] libreoffice"):
        find_libreoffice(str(tmp_path / "fehlt" / "soffice.exe"))


def test_compile_pdf_without_libreoffice_stops_before_the_report_is_built(workspace, monkeypatch):
    monkeypatch.setattr("toolkit.report.pdf.shutil.which", lambda name: None)
    monkeypatch.setattr("toolkit.report.pdf._usual_install_paths", lambda: [])
    result = runner.invoke(app, ["compile", "--year", "2025", "--pdf", "-w", str(workspace.root)])
    assert result.exit_code == 3
    output = " ".join(result.output.split())
    assert "LibreOffice wurde nicht gefunden" in output and "libreoffice = " in output
    assert not workspace.report_file(2025).exists()


def test_version_and_python_dash_m():
    done = subprocess.run([sys.executable, "-m", "toolkit", "--version"], capture_output=True, cwd=ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0
    assert done.stdout.decode("utf-8").startswith(f"toolkit {toolkit.__version__} (Python ")
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and toolkit.__version__ in result.output


def test_second_process_gets_the_busy_message_and_exit_5(workspace):
    """The folder lock (filelock) excludes a second process on every platform; the message names the holder."""
    holder = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from toolkit.core.workspace import Workspace, locked
        with locked(Workspace(Path({str(workspace.root)!r})), "toolkit merge (Kollegin)"):
            print("gesperrt", flush=True)
            sys.stdin.readline()
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, cwd=ROOT, env=env)
    try:
        assert process.stdout.readline().strip() == "gesperrt"
        result = runner.invoke(app, ["merge", "-w", str(workspace.root)])
        assert result.exit_code == 5
        output = " ".join(result.output.split())
        assert f"Der Arbeitsordner {workspace.root} ist gerade gesperrt (toolkit merge (Kollegin), Prozess " in output
        assert "Bitte warten, bis der andere Befehl fertig ist" in output
    finally:
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(timeout=30)
    from toolkit.core.workspace import locked

    with locked(workspace, "toolkit merge"):  # released when the other process ended
        pass


@pytest.mark.skipif(sys.platform == "win32", reason="Windows kennt keine POSIX-Dateirechte (umask, chmod 0o644)")
def test_atomic_writes_give_normal_file_permissions(tmp_path):
    from toolkit.core.workspace import atomic_path, atomic_write_bytes

    mask = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.txt", b"x")
        with atomic_path(tmp_path / "b.xlsx") as tmp:
            tmp.write_bytes(b"y")
    finally:
        os.umask(mask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.xlsx").stat().st_mode & 0o777 == 0o644


def _refusing(monkeypatch, target: Path, name: str) -> None:
    """os.<name> raises PermissionError for ``target``, as Windows does while Excel or Word holds it open."""
    real = getattr(os, name)

    def refuse(src, dst, *args, **kwargs):
        if target in (Path(src), Path(dst)):
            raise PermissionError(13, "Zugriff verweigert", str(target))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr("toolkit.core.workspace.RETRY_DELAYS", (0.01,))


def test_replacing_a_file_held_open_gives_the_german_message_and_leaves_it(tmp_path, monkeypatch):
    from toolkit.core.errors import ExitCode, FileInUseError
    from toolkit.core.workspace import atomic_write_bytes

    target = tmp_path / "Tabellenanhang_2025.xlsx"
    target.write_bytes(b"alt")
    _refusing(monkeypatch, target, "replace")
    with pytest.raises(FileInUseError) as caught:
        atomic_write_bytes(target, b"neu")
    assert str(caught.value).startswith(f"Die Datei {target} ist noch in Excel geöffnet. Bitte schließen und den "
                                        "Befehl wiederholen.")
    assert caught.value.exit_code == ExitCode.FILE_IN_USE == 7
    assert target.read_bytes() == b"alt" and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_compile_with_the_report_open_in_word_stops_before_anything_is_built(workspace, monkeypatch):
    report = workspace.report_file(2025)
    report.parent.mkdir(parents=True)
    report.write_bytes(b"Bericht des letzten Laufs")
    _refusing(monkeypatch, report, "rename")
    result = runner.invoke(app, ["compile", "--year", "2025", "-w", str(workspace.root)])
    assert result.exit_code == 7
    assert f"Die Datei {report} ist noch in Word geöffnet." in " ".join(result.output.split())
    assert report.read_bytes() == b"Bericht des letzten Laufs"
    assert not workspace.table_annex_file(2025).exists()
