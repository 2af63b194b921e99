"""Take checked returns into the store, archive them byte for byte, regenerate the master matrix.

The files are taken in the order their offices saved them (order.py), so a correction sent later wins over the
first return even when its name sorts first; the output says which file replaces which.

Per file, in this order (each step can be interrupted; a new run then completes the work):
1. archive: copy the exact bytes to archive/<Jahr>/<Stelle>/ and verify the SHA-256 of the copy;
2. one transaction: the delivery, its values (changed values keep their old value in the history),
   corrections of earlier years, the check result;
3. only after the commit: remove the file from inbox/.
Content decides what is new: a file whose SHA-256 is a delivery of the same office and year that still holds, and
whose values are all stored as it has them, is "bereits übernommen" (nothing changes; it is archived if the copy is
missing and leaves inbox/). The same file after a later delivery changed its values, or after it was withdrawn, is
a new delivery. Files with a Fehler stay in inbox/ and only their check result is recorded; files that cannot be
read as a workbook at all (a PDF, a letter) are moved to inbox/nicht_lesbar/, so they are reported once. The whole
merge holds the working folder's lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.upgrade import upgrade_store
from toolkit.collect.layout import ascii_code, office_of_file
from toolkit.core.cells import count_of, german_date
from toolkit.core.errors import ExitCode, InputError
from toolkit.core.keys import KEY_SIZE
from toolkit.core.problem_type import UNREADABLE_CODES
from toolkit.core.problems import FileReport, Severity, problem
from toolkit.core.progress import SILENT
from toolkit.core.runtime import paused_gc
from toolkit.core.store import DeliverySource, Store
from toolkit.core.workspace import (
    Workspace,
    atomic_write_bytes,
    ensure_closed,
    file_sha256,
    for_user,
    locked,
    remove_file,
    replace_file,
    shown,
)
from toolkit.merge.matrix import refresh_master_matrix, retire_former_matrix, write_master_matrix
from toolkit.merge.order import SavedTime, delivery_order, same_time
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
    ALREADY_TAKEN = "bereits übernommen"  # its values are all stored as it has them
    KEPT = "nicht übernommen"  # a Fehler: the file stays in inbox/
    UNREADABLE = "nicht lesbar"  # not a workbook at all: moved to inbox/nicht_lesbar/
    WOULD_TAKE = "würde übernommen"  # --dry-run


@dataclass
class FileOutcome:
    file: str
    action: MergeAction
    new: int = 0
    changed: int = 0
    archive: str = ""  # where the file went: archive/… or inbox/nicht_lesbar/…
    replaces: str = ""  # 'A (gespeichert …) ersetzt B (gespeichert …)' when it follows a return of its office


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
            matrix = [f"Monitoringdaten erneuert: {for_user(self.matrix)}"] if self.matrix is not None else []
            return ["In inbox/ liegen keine Dateien; nichts zu übernehmen. Zurückgesandte Erhebungsbögen bitte dort "
                    "ablegen.", *matrix, *(f"Hinweis: {n}" for n in self.notes)]
        prefix = ""
        lines = ["Probelauf (--dry-run): nichts wurde geändert."] if self.dry_run else []
        for o in self.outcomes:
            detail = f" ({new_and_changed(o.new, o.changed)})" if o.action in (MergeAction.TAKEN, MergeAction.WOULD_TAKE) \
                else ""
            where = f" -> {o.archive}" if o.archive and not self.dry_run else ""
            lines.append(f"{prefix}{o.file}: {o.action}{detail}{where}")
            if o.replaces:
                lines.append(f"  {o.replaces}")
        kept = [o.file for o in self.outcomes if o.action == MergeAction.KEPT]
        if kept:
            inbox = for_user(self.root / "inbox") if self.root else "inbox"
            written = [r.feedback for r in self.reports if r.feedback and r.file in kept]
            which = (f"der Prüfbericht {for_user(written[0])} sagt" if len(written) == 1 else
                     f"die Prüfberichte in {', '.join(sorted({for_user(p.parent) for p in written}))} sagen")
            lines.append(f"{count_of(len(kept), 'Datei')} mit Fehlern {'bleibt' if len(kept) == 1 else 'bleiben'} in "
                         f"{inbox}; {which}, was zu korrigieren ist.")
        unreadable = [o.file for o in self.outcomes if o.action == MergeAction.UNREADABLE and not self.dry_run]
        if unreadable:
            files = "Eine Datei ist" if len(unreadable) == 1 else f"{len(unreadable)} Dateien sind"
            lines.append(f"{files} kein lesbarer Erhebungsbogen und liegen jetzt in inbox/nicht_lesbar/; bitte "
                         "die Stelle um den Bogen als .xlsx bitten ('toolkit status --remind' schreibt ihr).")
        if self.matrix is not None:
            lines.append(f"Monitoringdaten erneuert: {for_user(self.matrix)}")
        lines.extend(f"Hinweis: {note}" for note in self.notes)
        return lines


def merge_returns(workspace: Workspace, dry_run: bool = False, progress=None,
                  catalogue: Catalogue | None = None, caches: Caches | None = None) -> MergeResult:
    """Check every file in inbox/ and take those without Fehler into the store (see module docstring).

    ``caches``: what the check remembers (catalogue, plans); a new one if not given.
    """
    caches = caches or Caches()
    catalogue = catalogue or caches.catalogue(workspace)
    if not dry_run:
        upgrade_store(workspace, catalogue, progress or SILENT, "toolkit merge")
    with locked(workspace, "toolkit merge"), paused_gc():
        if dry_run:
            order, times = delivery_order(inbox_files(workspace))
            checked = check_returns(workspace, order, progress, catalogue=catalogue, caches=caches)
            by_time: dict[tuple, list[CheckedFile]] = {}
            for item in checked:
                by_time.setdefault(times[item.returned.path].key, []).append(item)
            for together in by_time.values():
                if len(together) > 1:
                    same_time(together, times, caches.plans(catalogue))
            result = MergeResult([c.report for c in checked], dry_run=True, root=workspace.root)
            result.outcomes = [_preview(workspace, item) for item in checked]
            return result
        result, checked = MergeResult([], root=workspace.root), []
        # a file held open (Excel) is reported before anything changes, not after the store has committed
        inbox = inbox_files(workspace)
        ensure_closed([workspace.master_matrix, *inbox, *existing_reports(workspace, inbox)])
        result.notes = [note for note in [retire_former_matrix(workspace)] if note]
        order, times = delivery_order(inbox)
        plans = caches.plans(catalogue)
        with Store(workspace.store_file) as store:
            # each file is taken as soon as it is checked, while the workers check the next ones; files saved at
            # the same time wait for each other, to be ordered or refused together (order.same_time)
            waiting: list[CheckedFile] = []
            for item in iter_checked(workspace, order, progress, catalogue=catalogue, caches=caches):
                if not checked:
                    _step("checked", "")
                checked.append(item)
                result.reports.append(item.report)
                waiting.append(item)
                if len(checked) < len(order) and times[order[len(checked)]].key == times[item.returned.path].key:
                    continue
                equal = same_time(waiting, times, plans) if len(waiting) > 1 else {}
                for each in waiting:
                    result.outcomes.append(_merge_one(workspace, store, each, times[each.returned.path],
                                                      equal.get(each, ""), catalogue))
                waiting = []

            # an empty inbox rewrites the matrix only if it is behind the store (after a crash, a distribute)
            result.matrix = (write_master_matrix(workspace, store, catalogue, plans) if checked
                             else refresh_master_matrix(workspace, store, catalogue))
            _step("matrix", "")
        result.feedback = write_feedback(workspace, checked)
    return result


def _merge_one(workspace: Workspace, store: Store, item: CheckedFile, saved: SavedTime, equal_to: str,
               catalogue: Catalogue) -> FileOutcome:
    """Take one checked file (see the module docstring); ``equal_to``: an earlier file of this run with its values."""
    rw, report = item.returned, item.report
    if not report.ok or not rw.readable or rw.year is None:
        unreadable = any(p.code in UNREADABLE_CODES for p in report.problems)
        guessed = office_of_file(rw.file, catalogue.offices) if unreadable else None
        with store.transaction():
            _record_check(store, report, guessed)
        if not unreadable:
            return FileOutcome(rw.file, MergeAction.KEPT)
        moved = _move_aside(workspace, rw.path, rw.sha256)
        _step("removed", rw.file)
        return FileOutcome(rw.file, MergeAction.UNREADABLE, archive=for_user(moved))
    data = rw.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != rw.sha256:
        raise InputError(f"Die Datei {rw.file} hat sich während der Übernahme geändert.",
                         hint="Bitte 'toolkit merge' erneut starten.")
    archive = _archive(workspace, rw, data)
    _step("archived", rw.file)
    history = rw.history_values()
    stored = store.values(indicators={row[0] for row in history}, years={row[1] for row in history}) if history else {}
    items = merge_items(rw, stored)
    delivery = store.find_delivery(rw.sha256, rw.office, rw.year)
    if (delivery is not None or equal_to) and not _changes_anything(store, items):
        report.problems.append(problem("bereits-uebernommen", "gleich" if delivery is None else "", file=rw.file,
                                       delivery=delivery, other_file=equal_to))
        outcome = FileOutcome(rw.file, MergeAction.ALREADY_TAKEN, archive=for_user(archive))
    else:
        previous = store.latest_delivery(rw.office, rw.year)
        replaces = ""
        if previous is not None:
            replaces = f"{rw.file} (gespeichert {saved.text()}) ersetzt {_named(previous)}"
            if previous["saved_at"] > saved.when.isoformat():
                report.problems.append(problem(
                    "aeltere-fassung", file=rw.file, saved=saved.text(), delivery=previous["id"],
                    other_file=previous["file_name"], other_saved=german_date(previous["saved_at"], with_time=True)))
        with store.transaction():
            counts = _store_values(workspace, store, rw, report, archive, items, saved)
            _record_check(store, report)
        outcome = FileOutcome(rw.file, MergeAction.TAKEN, counts["new"], counts["changed"], for_user(archive),
                              replaces)
    _step("committed", rw.file)
    remove_file(rw.path)
    _step("removed", rw.file)
    return outcome


def _changes_anything(store: Store, items: list[tuple]) -> bool:
    counts = store.changes(items)
    return bool(counts["new"] or counts["changed"])


def _named(delivery: dict) -> str:
    """'Erhebung_2025_JUGA.xlsx (gespeichert 10.03.2026 09:00)'; a delivery of before 0.4 knows only when it was
    taken."""
    if delivery["saved_at"]:
        return f"{delivery['file_name']} (gespeichert {german_date(delivery['saved_at'], with_time=True)})"
    return f"{delivery['file_name']} (übernommen am {german_date(delivery['merged_at'], with_time=True)})"


def _move_aside(workspace: Workspace, path: Path, sha256: str) -> Path:
    """Move a file that is no readable workbook to inbox/nicht_lesbar/; never over a different file of that name."""
    target = workspace.unreadable / path.name
    if target.exists() and file_sha256(target) != sha256:
        target = target.with_name(f"{target.stem}_{sha256[:12]}{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        remove_file(path)  # the same bytes are there already
    else:
        replace_file(path, target)
    return target


def _archive(workspace: Workspace, rw: ReturnedWorkbook, data: bytes) -> Path:
    """Copy the bytes into archive/<Jahr>/<Stelle>/; never overwrite a different file; verify the copy."""
    folder = workspace.archive_dir(rw.year or 0, ascii_code(rw.office))
    target = folder / _safe_name(rw.file)
    if target.exists() and file_sha256(target) != rw.sha256:
        target = folder / f"{Path(_safe_name(rw.file)).stem}_{rw.sha256[:12]}{Path(rw.file).suffix}"
    if not target.exists() or file_sha256(target) != rw.sha256:
        atomic_write_bytes(target, data)
    if file_sha256(target) != rw.sha256:
        raise InputError(f"Die Archivkopie {target} stimmt nicht mit {rw.file} überein; die Datei bleibt in inbox/.",
                         hint="Bitte Speicherplatz und Schreibrechte des Ordners archive/ prüfen.")
    return target


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in Path(name).name).strip(" .")
    return cleaned or "Datei"


def _counts(report: FileReport) -> tuple[int, int, int]:
    return (report.count(Severity.FEHLER), report.count(Severity.WARNUNG), report.count(Severity.HINWEIS))


def _problems_json(report: FileReport) -> str:
    return json.dumps([p.as_json() for p in report.problems], ensure_ascii=False)


def _record_check(store: Store, report: FileReport, guessed: tuple[int, str] | None = None) -> None:
    """The check result of a file; ``guessed``: year and office its name says, for a file that cannot be read."""
    if report.sha256:
        year, office = guessed or (report.year, report.office)
        store.record_check(sha256=report.sha256, file_name=report.file, office=office, year=year,
                           ok=report.ok, counts=_counts(report), problems_json=_problems_json(report))


def merge_items(rw: ReturnedWorkbook, stored: dict | None = None) -> list[tuple]:
    """(key, value, flag, note, reason) for every value the file delivers, corrections of earlier years included."""
    reason = f"Lieferung {rw.file}"
    items = [(row[:KEY_SIZE], *row[KEY_SIZE:KEY_SIZE + 3], reason) for row in rw.delivered()]
    correction = f"Korrektur Vorjahr durch {rw.office} ({rw.file})"
    for row in rw.history_values():
        key, value = row[:KEY_SIZE], row[KEY_SIZE]
        old = stored.get(key) if stored else None
        if old is not None and old.value == value:
            continue
        items.append((key, value, old.flag if old else "", old.note if old else "", correction))
    return items


def _store_values(workspace: Workspace, store: Store, rw: ReturnedWorkbook, report: FileReport,
                  archive: Path, items: list[tuple], saved: SavedTime) -> dict[str, int]:
    assert rw.identity is not None and rw.year is not None
    delivery = store.add_delivery(
        office=rw.office, year=rw.year, file_name=rw.file, sha256=rw.sha256, source=DeliverySource.RETURN, token=rw.identity.token,
        layout_version=rw.identity.layout_version, received_at=saved.file.isoformat(),
        archive_path=shown(archive, workspace.root), counts=_counts(report), problems_json=_problems_json(report),
        saved_at=saved.when.isoformat())
    counts = store.put_many(items, delivery)
    _step("stored", rw.file)  # inside the transaction: a failure here must roll everything back
    return counts


def _preview(workspace: Workspace, item: CheckedFile) -> FileOutcome:
    """What merging this file would change, computed against a read-only view of the store."""
    rw, report = item.returned, item.report
    if not report.ok or not rw.readable:
        unreadable = any(p.code in UNREADABLE_CODES for p in report.problems)
        return FileOutcome(rw.file, MergeAction.UNREADABLE if unreadable else MergeAction.KEPT)
    if not workspace.store_file.is_file():
        items = merge_items(rw)
        return FileOutcome(rw.file, MergeAction.WOULD_TAKE, new=len(items))
    store = Store.read_only(workspace.store_file)
    try:
        history = rw.history_values()
        stored = store.values(indicators={row[0] for row in history}, years={row[1] for row in history}) \
            if history else {}
        counts = store.changes(merge_items(rw, stored))
        if store.find_delivery(rw.sha256, rw.office, rw.year or 0) is not None \
                and not (counts["new"] or counts["changed"]):
            return FileOutcome(rw.file, MergeAction.ALREADY_TAKEN)
    finally:
        store.close()
    return FileOutcome(rw.file, MergeAction.WOULD_TAKE, counts["new"], counts["changed"])


def new_and_changed(new: int, changed: int) -> str:
    """'12 neue Werte, 1 geänderter Wert': what a delivery or an import changed."""
    return f"{count_of(new, 'Wert', adjective='neu')}, {count_of(changed, 'Wert', adjective='geändert')}"
