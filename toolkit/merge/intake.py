"""Take checked returns into the store, archive them byte for byte, regenerate the master matrix.

Per file, in this order (each step can be interrupted; a new run then completes the work):
1. archive: copy the exact bytes to archive/<Jahr>/<Stelle>/ and verify the SHA-256 of the copy;
2. one transaction: the delivery, its values (changed values keep their old value in the history),
   corrections of earlier years, the check result;
3. only after the commit: remove the file from inbox/.
A file whose SHA-256 is already a delivery of the same office and year is "bereits übernommen": nothing
changes in the store; it is archived (if the copy is missing) and leaves inbox/. Files with a Fehler stay
in inbox/ and only their check result is recorded. The whole merge holds the working folder's lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.collect.layout import ascii_code
from toolkit.core.errors import ExitCode, InputError
from toolkit.core.problems import FileReport, Severity, problem
from toolkit.core.runtime import paused_gc
from toolkit.core.store import DeliverySource, Store
from toolkit.core.workspace import Workspace, atomic_write_bytes, ensure_closed, locked, remove_file, shown
from toolkit.merge.matrix import retire_former_matrix, write_master_matrix
from toolkit.returns.caches import Caches
from toolkit.returns.checks import check_returns, inbox_files, iter_checked
from toolkit.returns.feedback import existing_reports, write_feedback
from toolkit.returns.reader import ReturnedWorkbook
from toolkit.returns.workers import CheckedFile

# Fault injection for tests: called with the name of the step just done and the file name.
FaultHook = Callable[[str, str], None]
fault_hook: FaultHook | None = None


def _step(name: str, file: str) -> None:
    if fault_hook is not None:
        fault_hook(name, file)


class MergeAction(StrEnum):
    """What merge did with one file (the text is what the summary line says)."""

    TAKEN = "übernommen"
    ALREADY_TAKEN = "bereits übernommen"  # the same bytes are a delivery already
    KEPT = "nicht übernommen"  # a Fehler: the file stays in inbox/
    WOULD_TAKE = "würde übernommen"  # --dry-run


@dataclass
class FileOutcome:
    file: str
    action: MergeAction
    new: int = 0
    changed: int = 0
    archive: str = ""


@dataclass
class MergeResult:
    reports: list[FileReport]
    outcomes: list[FileOutcome] = field(default_factory=list)
    matrix: Path | None = None
    feedback: list[Path] = field(default_factory=list)
    dry_run: bool = False
    root: Path | None = None  # the working folder, to name files relative to it
    notes: list[str] = field(default_factory=list)  # German hints, e.g. a former master matrix renamed

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if all(r.ok for r in self.reports) else ExitCode.DATA_PROBLEMS

    def lines(self) -> list[str]:
        if not self.reports:
            return ["In inbox/ liegen keine Dateien; nichts zu übernehmen.", *(f"Hinweis: {n}" for n in self.notes)]
        prefix = ""
        lines = ["Probelauf (--dry-run): nichts wurde geändert."] if self.dry_run else []
        for o in self.outcomes:
            detail = f" ({o.new} neue, {o.changed} geänderte Werte)" if o.action in (MergeAction.TAKEN, MergeAction.WOULD_TAKE) \
                else ""
            where = f" -> {o.archive}" if o.archive and not self.dry_run else ""
            lines.append(f"{prefix}{o.file}: {o.action}{detail}{where}")
        kept = [o.file for o in self.outcomes if o.action == MergeAction.KEPT]
        if kept:
            lines.append(f"{len(kept)} Datei(en) mit Fehlern bleiben in inbox/; die Prüfberichte in "
                         "outbox/<Jahr>/Pruefberichte/ sagen, was zu korrigieren ist.")
        if self.matrix is not None:
            lines.append(f"Monitoringdaten erneuert: {shown(self.matrix, self.root)}")
        lines.extend(f"Hinweis: {note}" for note in self.notes)
        return lines


def merge_returns(workspace: Workspace, dry_run: bool = False, progress=None,
                  catalogue: Catalogue | None = None, caches: Caches | None = None) -> MergeResult:
    """Check every file in inbox/ and take those without Fehler into the store (see module docstring).

    ``caches``: what the check remembers (catalogue, plans); a new one if not given.
    """
    caches = caches or Caches()
    catalogue = catalogue or caches.catalogue(workspace)
    with locked(workspace, "toolkit merge"), paused_gc():
        if dry_run:
            checked = check_returns(workspace, None, progress, catalogue=catalogue, caches=caches)
            result = MergeResult([c.report for c in checked], dry_run=True, root=workspace.root)
            result.outcomes = [_preview(workspace, item) for item in checked]
            return result
        result, checked = MergeResult([], root=workspace.root), []
        # a file held open (Excel) is reported before anything changes, not after the store has committed
        inbox = inbox_files(workspace)
        ensure_closed([workspace.master_matrix, *inbox, *existing_reports(workspace, inbox)])
        result.notes = [note for note in [retire_former_matrix(workspace)] if note]
        with Store(workspace.store_file) as store:
            # each file is taken as soon as it is checked, while the workers check the next ones
            for item in iter_checked(workspace, None, progress, catalogue=catalogue, caches=caches):
                if not checked:
                    _step("checked", "")
                checked.append(item)
                result.reports.append(item.report)
                result.outcomes.append(_merge_one(workspace, store, item))

            result.matrix = write_master_matrix(workspace, store, catalogue)
            _step("matrix", "")
        result.feedback = write_feedback(workspace, checked)
    return result


def _merge_one(workspace: Workspace, store: Store, item: CheckedFile) -> FileOutcome:
    rw, report = item.returned, item.report
    if not report.ok or not rw.readable or rw.year is None:
        with store.transaction():
            _record_check(store, report)
        return FileOutcome(rw.file, MergeAction.KEPT)
    data = rw.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != rw.sha256:
        raise InputError(f"Die Datei {rw.file} hat sich während der Übernahme geändert.",
                         hint="Bitte 'toolkit merge' erneut starten.")
    archive = _archive(workspace, rw, data)
    _step("archived", rw.file)
    delivery = store.find_delivery(rw.sha256, rw.office, rw.year)
    if delivery is not None:
        report.problems.append(problem("bereits-uebernommen", file=rw.file, delivery=delivery))
        outcome = FileOutcome(rw.file, MergeAction.ALREADY_TAKEN, archive=shown(archive, workspace.root))
    else:
        with store.transaction():
            counts = _store_values(workspace, store, rw, report, archive)
            _record_check(store, report)
        outcome = FileOutcome(rw.file, MergeAction.TAKEN, counts["new"], counts["changed"], shown(archive, workspace.root))
    _step("committed", rw.file)
    remove_file(rw.path)
    _step("removed", rw.file)
    return outcome


def _archive(workspace: Workspace, rw: ReturnedWorkbook, data: bytes) -> Path:
    """Copy the bytes into archive/<Jahr>/<Stelle>/; never overwrite a different file; verify the copy."""
    folder = workspace.archive_dir(rw.year or 0, ascii_code(rw.office))
    target = folder / _safe_name(rw.file)
    if target.exists() and _sha(target) != rw.sha256:
        target = folder / f"{Path(_safe_name(rw.file)).stem}_{rw.sha256[:12]}{Path(rw.file).suffix}"
    if not target.exists() or _sha(target) != rw.sha256:
        atomic_write_bytes(target, data)
    if _sha(target) != rw.sha256:
        raise InputError(f"Die Archivkopie {target} stimmt nicht mit {rw.file} überein; die Datei bleibt in inbox/.",
                         hint="Bitte Speicherplatz und Schreibrechte des Ordners archive/ prüfen.")
    return target


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in Path(name).name).strip(" .")
    return cleaned or "Datei"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counts(report: FileReport) -> tuple[int, int, int]:
    return (report.count(Severity.FEHLER), report.count(Severity.WARNUNG), report.count(Severity.HINWEIS))


def _problems_json(report: FileReport) -> str:
    return json.dumps([p.as_json() for p in report.problems], ensure_ascii=False)


def _record_check(store: Store, report: FileReport) -> None:
    if report.sha256:
        store.record_check(sha256=report.sha256, file_name=report.file, office=report.office, year=report.year,
                           ok=report.ok, counts=_counts(report), problems_json=_problems_json(report))


def merge_items(rw: ReturnedWorkbook, stored: dict | None = None) -> list[tuple]:
    """(key, value, flag, note, reason) for every value the file delivers, corrections of earlier years included."""
    reason = f"Lieferung {rw.file}"
    items = [(row[:6], row[6], row[7], row[8], reason) for row in rw.delivered()]
    correction = f"Korrektur Vorjahr durch {rw.office} ({rw.file})"
    for row in rw.history_values():
        key, value = row[:6], row[6]
        old = stored.get(key) if stored else None
        if old is not None and old.value == value:
            continue
        items.append((key, value, old.flag if old else "", old.note if old else "", correction))
    return items


def _store_values(workspace: Workspace, store: Store, rw: ReturnedWorkbook, report: FileReport,
                  archive: Path) -> dict[str, int]:
    assert rw.identity is not None and rw.year is not None
    delivery = store.add_delivery(
        office=rw.office, year=rw.year, file_name=rw.file, sha256=rw.sha256, source=DeliverySource.RETURN, token=rw.identity.token,
        layout_version=rw.identity.layout_version, received_at=_received(rw.path),
        archive_path=shown(archive, workspace.root), counts=_counts(report), problems_json=_problems_json(report))
    history = rw.history_values()
    stored = store.values(indicators={row[0] for row in history}, years={row[1] for row in history}) if history else {}
    counts = store.put_many(merge_items(rw, stored), delivery)
    _step("stored", rw.file)  # inside the transaction: a failure here must roll everything back
    return counts


def _received(path: Path) -> str:

    return dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0).isoformat()


def _preview(workspace: Workspace, item: CheckedFile) -> FileOutcome:
    """What merging this file would change, computed against a read-only view of the store."""
    rw, report = item.returned, item.report
    if not report.ok or not rw.readable:
        return FileOutcome(rw.file, MergeAction.KEPT)
    if not workspace.store_file.is_file():
        items = merge_items(rw)
        return FileOutcome(rw.file, MergeAction.WOULD_TAKE, new=len(items))
    store = Store.read_only(workspace.store_file)
    try:
        if store.find_delivery(rw.sha256, rw.office, rw.year or 0) is not None:
            return FileOutcome(rw.file, MergeAction.ALREADY_TAKEN)
        stored = store.values(indicators={row[0] for row in (*rw.delivered(), *rw.history_values())})
    finally:
        store.close()
    new = changed = 0
    for key, value, flag, note, _reason in merge_items(rw, stored):
        old = stored.get(key)
        if old is None:
            new += 1
        elif (old.value, old.flag, old.note) != (value, flag, note):
            changed += 1
    return FileOutcome(rw.file, MergeAction.WOULD_TAKE, new, changed)
