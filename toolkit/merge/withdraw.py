"""`toolkit withdraw LIEFERUNG --reason GRUND`: take back a merged delivery (a return or an import).

Every value the delivery set that still holds goes back to what it was before: the value of the latest earlier
delivery that still counts (not withdrawn itself); a value the delivery brought and nothing had before is removed.
A value a later delivery has changed since stays as it is. The withdrawal is a delivery of its own (source
"withdrawal", named "Rücknahme der Lieferung N"), and every change it makes is in the history like any other, with
the time, the person (the login name) and the reason; a restored value keeps the delivery it came from, so its
provenance stays true. The withdrawn delivery is marked (``withdrawn_by``); its file stays in the archive. Putting
that file into inbox/ again makes it a new delivery. One transaction, under the working folder's lock; the master
matrix is renewed.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.core.cells import count_of, german_date
from toolkit.core.errors import InputError, UsageError
from toolkit.core.keys import ObservationKey
from toolkit.core.store import DeliverySource, Store, StoredValue, in_effect
from toolkit.core.workspace import Workspace, ensure_closed, file_sha256, for_user, locked, shown
from toolkit.merge.matrix import write_master_matrix
from toolkit.returns.caches import Caches

LISTED = 8  # deliveries named when the one asked for is not found


@dataclass(frozen=True)
class Restore:
    """One value the withdrawal changes: back to ``target`` (None: removed), or only to another delivery that said
    the same (``value_changes`` False: no history row)."""

    key: ObservationKey
    current: StoredValue
    target: StoredValue | None

    @property
    def value_changes(self) -> bool:
        return self.target is None or (self.target.value, self.target.flag, self.target.note) != \
            (self.current.value, self.current.flag, self.current.note)


@dataclass
class WithdrawResult:
    delivery: dict  # the withdrawn delivery's row
    changes: list[Restore] = field(default_factory=list)
    kept: int = 0  # values of the delivery that stay: a later delivery changed them or delivered them too
    withdrawal: int | None = None  # the number of the withdrawal, None in a dry run
    reason: str = ""
    matrix: Path | None = None
    root: Path | None = None

    @property
    def restored(self) -> int:
        return sum(1 for c in self.changes if c.target is not None and c.value_changes)

    @property
    def removed(self) -> int:
        return sum(1 for c in self.changes if c.target is None)

    def lines(self) -> list[str]:
        dry = self.withdrawal is None
        named = _named(self.delivery)
        lines = ["Probelauf (--dry-run): nichts wurde geändert.", f"{named} würde zurückgezogen."] if dry \
            else [f"{named} zurückgezogen."]
        restored, removed = count_of(self.restored, "Wert"), count_of(self.removed, "Wert")
        lines.append(f"Auf den Stand davor zurückgesetzt: {restored}; entfernt, weil es sie vorher nicht gab: "
                     f"{removed}.")
        if self.kept:
            one = self.kept == 1
            lines.append(f"{count_of(self.kept, 'Wert')} der Lieferung {'bleibt' if one else 'bleiben'}, weil "
                         f"andere Lieferungen {'ihn' if one else 'sie'} ebenso geliefert oder später geändert haben.")
        if not dry:
            lines.append(f"Protokolliert als Lieferung {self.withdrawal} mit dem Grund „{self.reason}“; "
                         "'toolkit log' zeigt jede Änderung.")
        if self.matrix is not None:
            lines.append(f"Monitoringdaten erneuert: {for_user(self.matrix)}")
        return lines


def withdraw_delivery(workspace: Workspace, which: str, reason: str, *, dry_run: bool = False,
                      caches: Caches | None = None) -> WithdrawResult:
    """Withdraw the delivery ``which`` (its number, its file name, or the path of a file with its content)."""
    if not reason.strip():
        raise UsageError("Bitte mit --reason sagen, warum die Lieferung zurückgezogen wird; der Grund steht im "
                         "Änderungsprotokoll.")
    if not workspace.store_file.is_file():
        raise InputError(f"Der Datenbestand {shown(workspace.store_file, workspace.root)} fehlt; es gibt noch keine "
                         "Lieferung, die zurückgezogen werden könnte.",
                         hint="Erst mit 'toolkit merge' oder 'toolkit import' Werte übernehmen.")
    catalogue: Catalogue = (caches or Caches()).catalogue(workspace)
    with locked(workspace, "toolkit withdraw"):
        if not dry_run:
            ensure_closed([workspace.master_matrix])
        with Store(workspace.store_file) as store:
            row = find_delivery(store, workspace, which)
            result = WithdrawResult(row, reason=reason.strip(), root=workspace.root)
            result.changes, result.kept = _restorations(store, int(row["id"]))
            if dry_run:
                return result
            with store.transaction():
                result.withdrawal = _record(store, row, result)
            result.matrix = write_master_matrix(workspace, store, catalogue)
    return result


def find_delivery(store: Store, workspace: Workspace, which: str) -> dict:
    """The delivery ``which`` names; UsageError (exit 2) if there is none, several, or it cannot be withdrawn."""
    rows = [dict(r) for r in store.deliveries()]
    text = which.strip()
    if text.isdigit():
        found = [r for r in rows if r["id"] == int(text)]
    else:
        path = next((p for p in (Path(text), workspace.root / text) if p.is_file()), None)
        sha = file_sha256(path) if path is not None else None
        found = [r for r in rows if r["sha256"] == sha and r["source"] != DeliverySource.WITHDRAWAL]
        if not found:  # by name: as merge shows it, or as an import through a mapping stores it ("KISS-MD … (x.xlsx)")
            names = {text.casefold(), Path(text).name.casefold()}
            found = [r for r in rows if r["source"] != DeliverySource.WITHDRAWAL and (
                r["file_name"].casefold() in names or any(r["file_name"].casefold().endswith(f"({n})") for n in names))]
    if not found:
        raise UsageError(f"Eine Lieferung „{which}“ gibt es nicht. {_known(rows)}",
                         hint="Jede Lieferung steht mit Nummer und Datei im Blatt Lieferungen der Monitoringdaten "
                              "(outbox/Monitoringdaten.xlsx).")
    holding = [r for r in found if in_effect(r)]
    if len(holding) > 1:
        listed = "; ".join(_named(r) for r in holding)
        raise UsageError(f"„{which}“ passt auf {len(holding)} Lieferungen: {listed}. Bitte die Nummer angeben, "
                         f"z. B. toolkit withdraw {holding[-1]['id']} --reason …")
    if holding:
        return holding[0]
    row = found[-1]
    if row["source"] == DeliverySource.WITHDRAWAL:
        withdrawn = next(r for r in rows if r["withdrawn_by"] == row["id"])
        raise UsageError(f"Die Lieferung {row['id']} ist selbst die Rücknahme der Lieferung {withdrawn['id']} und "
                         "kann nicht zurückgezogen werden.",
                         hint=f"Sollen die Werte der Lieferung {withdrawn['id']} wieder gelten: ihre Datei "
                              f"({withdrawn['archive_path'] or withdrawn['file_name']}) erneut in inbox/ legen und "
                              "'toolkit merge' starten (eine Tabelle: erneut 'toolkit import').")
    by = next(r for r in rows if r["id"] == row["withdrawn_by"])
    raise UsageError(f"Die Lieferung {row['id']} ({row['file_name']}) wurde schon am "
                     f"{german_date(by['merged_at'], with_time=True)} zurückgezogen (Lieferung {by['id']}); es ändert "
                     "sich nichts.")


def _named(row: dict) -> str:
    return f"Lieferung {row['id']} ({row['file_name']}, {row['office']} {row['year']}, übernommen am " \
           f"{german_date(row['merged_at'], with_time=True)})"


def _known(rows: list[dict]) -> str:
    holding = [r for r in rows if in_effect(r)]
    if not holding:
        return "Es gibt keine Lieferung, die noch gilt."
    listed = ", ".join(f"{r['id']} ({r['file_name']})" for r in holding[-LISTED:])
    more = f" (die letzten {LISTED} von {len(holding)})" if len(holding) > LISTED else ""
    return f"Lieferungen, die gelten{more}: {listed}."


def _restorations(store: Store, delivery: int) -> tuple[list[Restore], int]:
    """What withdrawing ``delivery`` changes, and how many of its values stay (another delivery stands behind them).

    Every delivery that delivered a key said what it holds: the old side of each history row (a value a later
    delivery replaced), each confirmation (a value delivered as it was stored) and the value stored now. After the
    withdrawal a key holds what the latest delivery that still counts said; a key no such delivery said is removed.
    """
    keys, replaced = store.keys_of(delivery)
    said, stored = store.statements(keys)
    withdrawn = store.withdrawn() | {delivery}
    changes = []
    for key in sorted(stored):
        valid = [v for v in said[key] if v.delivery_id not in withdrawn]
        target = max(valid, key=lambda v: v.delivery_id or 0) if valid else None
        if target != stored[key]:
            changes.append(Restore(ObservationKey(*key), stored[key], target))
    return changes, len(keys | replaced) - sum(1 for c in changes if c.value_changes)


def _record(store: Store, row: dict, result: WithdrawResult) -> int:
    """Write the withdrawal (inside a transaction): its delivery row, then the mark, the history and the values."""
    who = _login()
    withdrawal = store.add_delivery(
        office=row["office"], year=row["year"], file_name=f"Rücknahme der Lieferung {row['id']} ({row['file_name']})",
        sha256=row["sha256"], source=DeliverySource.WITHDRAWAL, archive_path=row["archive_path"], note=f"{who}: {result.reason}")
    why = f"zurückgezogen von {who}: {result.reason}"
    store.record_withdrawal(row["id"], withdrawal, [
        (tuple(c.key), c.current, c.target, f"{why}; Wert entfernt (vorher gab es keinen)" if c.target is None
         else f"{why}; wieder der Wert von Lieferung {c.target.delivery_id or withdrawal}")
        for c in result.changes])
    return withdrawal


def _login() -> str:
    """Who withdraws: the login name (Windows: USERNAME), or 'unbekannt'."""
    try:
        return getpass.getuser() or "unbekannt"
    except Exception:  # no user name in the environment (a service account without one)
        return "unbekannt"
