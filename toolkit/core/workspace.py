"""Paths of a working folder, creating one, atomic file writes and the folder lock."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import filelock

from toolkit.core.errors import BusyError, FileInUseError, InputError

SETTINGS_FILE = "toolkit.toml"
CATALOGUE_TEMPLATE = "templates/Indikatorenmatrix.xlsx"
REPORT_TEMPLATE = "templates/Bericht.docx"
MAP_GEOMETRY = "templates/Stadtteile.geojson"  # optional: replaces the packaged Stadtteil boundaries
# The master matrix: every value with its provenance, rewritten from the store. Up to 0.2 it had the catalogue's name
# (outbox/Indikatorenmatrix.xlsx), and edits made in it by mistake were lost at the next merge.
MASTER_MATRIX = "outbox/Monitoringdaten.xlsx"
FORMER_MASTER_MATRIX = "outbox/Indikatorenmatrix.xlsx"
RETIRED_MASTER_MATRIX = "outbox/Indikatorenmatrix_veraltet.xlsx"  # what a former master matrix is renamed to
WEB_TEMPLATES = "templates/web"  # optional: the city's own website templates, each replacing the packaged one


@dataclass(frozen=True)
class Workspace:
    """A working folder; every path the commands read or write hangs off ``root``."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def catalogue_file(self) -> Path:
        return self.root / CATALOGUE_TEMPLATE

    @property
    def report_template(self) -> Path:
        return self.root / REPORT_TEMPLATE

    @property
    def map_geometry(self) -> Path:
        """The city's own Stadtteil boundaries (GeoJSON); when absent the maps use the packaged default."""
        return self.root / MAP_GEOMETRY

    @property
    def web_templates(self) -> Path:
        """The city's own website templates (publish/templates/ has the packaged ones and their names)."""
        return self.root / WEB_TEMPLATES

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def unreadable(self) -> Path:
        """Where a writing command moves files of inbox/ that cannot be read as a workbook (a PDF, a letter)."""
        return self.inbox / "nicht_lesbar"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def store_file(self) -> Path:
        return self.data / "monitoring.sqlite"

    @property
    def picture_cache(self) -> Path:
        """data/bilder/: the pictures compile and publish drew, kept by content (report/picture_cache.py)."""
        return self.data / "bilder"

    @property
    def master_matrix(self) -> Path:
        """outbox/Monitoringdaten.xlsx: generated from the store, never edited (its name differs from the catalogue)."""
        return self.root / MASTER_MATRIX

    @property
    def former_master_matrix(self) -> Path:
        """Where versions up to 0.2 wrote the master matrix (outbox/Indikatorenmatrix.xlsx)."""
        return self.root / FORMER_MASTER_MATRIX

    def year_dir(self, year: int) -> Path:
        return self.outbox / str(year)

    def workbooks_dir(self, year: int) -> Path:
        return self.year_dir(year) / "Erhebungsboegen"

    def mails_dir(self, year: int) -> Path:
        return self.year_dir(year) / "Mails"

    def check_reports_dir(self, year: int) -> Path:
        return self.year_dir(year) / "Pruefberichte"

    def report_file(self, year: int) -> Path:
        return self.year_dir(year) / f"Integrationsbericht_{year}.docx"

    def internal_report_file(self, year: int) -> Path:
        """The internal edition (compile --intern): never to be published."""
        return self.year_dir(year) / f"Integrationsbericht_{year}_intern.docx"

    def table_annex_file(self, year: int) -> Path:
        return self.year_dir(year) / f"Tabellenanhang_{year}.xlsx"

    def profiles_file(self, year: int) -> Path:
        return self.year_dir(year) / f"Stadtteilprofile_{year}.docx"

    def archive_dir(self, year: int, office: str) -> Path:
        return self.archive / str(year) / office


def shown(path: Path | None, root: Path | None) -> str:
    """How messages and the store name a file of the working folder: relative to it, with forward slashes on
    every platform (outbox/2025/Integrationsbericht_2025.docx); a file elsewhere keeps its full path."""
    if path is None:
        return "–"
    if root is not None:
        with contextlib.suppress(ValueError):
            return path.relative_to(root).as_posix()
    return str(path)


def for_user(path: Path) -> str:
    """How a printed message names a file so that the user can open it from where they stand: relative to the
    current folder when it lies inside it (outbox/2025/…, or demo/outbox/2025/… after 'toolkit demo'), else the
    full path."""
    path = Path(path).absolute()
    try:
        here = Path.cwd()
        for folder in (here, here.resolve()):  # the working folder's path is resolved (symbolic links)
            with contextlib.suppress(ValueError):
                return str(path.relative_to(folder))
    except OSError:  # the current folder is gone
        pass
    return str(path)  # elsewhere, or on another drive


def command_in(root: Path, command: str) -> str:
    """A toolkit command line to print, for the working folder ``root``: with -w unless it is the current folder."""
    try:
        here = Path(root).absolute() in (Path.cwd(), Path.cwd().resolve())
    except OSError:
        here = False
    if here:
        return command
    folder = for_user(root)
    return f'{command} -w "{folder}"' if " " in folder else f"{command} -w {folder}"


def open_workspace(root: Path | str) -> Workspace:
    """Return the working folder at ``root``; raise InputError if it is not one."""
    path = Path(root).resolve()
    if not path.is_dir():
        raise InputError(
            f"Der Arbeitsordner {path} existiert nicht.",
            hint="Mit 'toolkit init ORDNER' einen neuen Arbeitsordner anlegen oder mit -w den richtigen angeben.",
        )
    workspace = Workspace(path)
    if not workspace.catalogue_file.is_file():
        raise InputError(
            f"Im Arbeitsordner {path} fehlt der Indikatorenkatalog {CATALOGUE_TEMPLATE}.",
            hint="Mit 'toolkit init ORDNER' einen vollständigen Arbeitsordner anlegen oder mit -w den richtigen angeben.",
        )
    return workspace


def ensure_folders(workspace: Workspace) -> None:
    """Create the standard sub-folders if they are missing."""
    for folder in (workspace.inbox, workspace.outbox, workspace.archive, workspace.data, workspace.root / "templates"):
        folder.mkdir(parents=True, exist_ok=True)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex): how the toolkit tells files apart by content."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _usual_permissions(tmp)
        replace_file(Path(tmp), path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    For libraries that want a file name (xlsxwriter, docxtpl): write to the yielded path.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        _usual_permissions(tmp)
        replace_file(Path(tmp), path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def remove_leftovers(path: Path) -> None:
    """Delete the temporary files ``atomic_path`` left beside ``path`` when its process was killed before the
    rename. Only under the folder lock: then no other process is writing one."""
    for leftover in path.parent.glob(f".{glob.escape(path.stem)}.*{glob.escape(path.suffix)}"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _usual_permissions(path: str) -> None:
    """mkstemp creates files readable by their owner only; give them the permissions of a normal new file."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


# ---- files held open by Excel, Word or the Explorer -------------------------------------------------------
# Windows refuses to replace, rename or delete a file another program holds open (PermissionError). Such a
# program usually lets go within moments (a virus scanner, the Explorer's preview) or not at all (Excel):
# retry briefly, then say which file to close.

RETRY_DELAYS = (0.1, 0.2, 0.3, 0.4, 0.5)  # seconds: about 1.5 s in all before giving up

_PROGRAMS = {".xlsx": "Excel", ".xlsm": "Excel", ".xls": "Excel", ".ods": "Excel oder LibreOffice",
             ".docx": "Word", ".pdf": "einem PDF-Programm", ".csv": "Excel", ".eml": "Outlook"}


def file_in_use(path: Path) -> FileInUseError:
    """The German error for a file another program holds open."""
    program = _PROGRAMS.get(path.suffix.lower(), "einem anderen Programm")
    return FileInUseError(
        f"Die Datei {path} ist noch in {program} geöffnet. Bitte schließen und den Befehl wiederholen.",
        hint="Es wurde nichts halb geändert: nach dem Schließen ergibt derselbe Befehl das vollständige Ergebnis. "
             "Ist die Datei nicht geöffnet, bitte prüfen, ob sie schreibgeschützt ist oder der Ordner "
             "Schreibrechte hat.",
    )


def _retrying(action: Callable[[], None], path: Path) -> None:
    for delay in (*RETRY_DELAYS, None):
        try:
            action()
            return
        except PermissionError:
            if delay is None:
                raise file_in_use(path) from None
            time.sleep(delay)


def replace_file(source: Path, target: Path) -> None:
    """``os.replace`` that waits briefly for a program holding ``target`` open, then raises FileInUseError."""
    _retrying(lambda: os.replace(source, target), target)


def move_file(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target`` (which must not exist); waits briefly for a program holding ``source`` open."""
    _retrying(lambda: os.replace(source, target), source)


def remove_file(path: Path) -> None:
    """Delete ``path`` (gone already is fine); waits briefly for a program holding it open."""
    _retrying(lambda: path.unlink(missing_ok=True), path)


def ensure_closed(paths: Iterable[Path]) -> None:
    """Raise FileInUseError before any change if one of ``paths`` is held open and could not be replaced.

    Renaming a file needs the same access as replacing or deleting it: the file is renamed to a name beside
    it and back at once. Missing files are fine.
    """
    for path in paths:
        if not path.is_file():
            continue
        probe = path.with_name(f".{path.name}.offen-{os.getpid()}")
        try:
            _retrying(lambda path=path, probe=probe: os.rename(path, probe), path)
        except FileNotFoundError:
            continue
        os.rename(probe, path)


@contextlib.contextmanager
def locked(workspace: Workspace, purpose: str) -> Iterator[None]:
    """Hold the working folder's lock; a second process gets a clear BusyError at once.

    The lock is an OS file lock (filelock: LockFileEx on Windows, flock elsewhere) on data/.lock; it ends with
    the process, so a crashed command leaves no stale lock. Who holds it is written to data/.lock.info.
    """
    workspace.data.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(workspace.data / ".lock", timeout=0)
    info = workspace.data / ".lock.info"
    try:
        lock.acquire()
    except filelock.Timeout:
        try:
            holder = info.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            holder = ""
        raise BusyError(
            f"Der Arbeitsordner {workspace.root} ist gerade gesperrt ({holder or 'ein anderer toolkit-Befehl'}).",
            hint="Bitte warten, bis der andere Befehl fertig ist, und dann erneut starten.",
        ) from None
    try:
        with contextlib.suppress(OSError):
            info.write_text(f"{purpose}, Prozess {os.getpid()}", encoding="utf-8")
        yield
    finally:
        lock.release()
