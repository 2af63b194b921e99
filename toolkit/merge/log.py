"""`toolkit log`: the change log of the store, every value that a later delivery replaced, oldest first.

``change_log`` only reads and returns the entries; the CLI renders them (console/render.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.collect.layout import MEASURE_LABELS
from toolkit.core.errors import UsageError, did_you_mean
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace


@dataclass(frozen=True)
class ChangeEntry:
    """One replaced value: the key, old and new value, who delivered the new one, from which file, why."""

    changed_at: str  # ISO date and time, e.g. 2026-04-01T10:15:00
    key: ObservationKey
    old_value: float | None
    old_flag: str
    new_value: float | None
    new_office: str
    new_file: str
    old_file: str  # "" if the delivery of the old value is not known
    reason: str
    place: str = ""  # the key's area, group, sex and measure by their German labels: 'Sudenburg · Deutsche · …'


@dataclass
class ChangeLog:
    has_store: bool  # False: nothing has been merged or imported yet
    indicator: str | None = None  # the filter, if any
    entries: list[ChangeEntry] = field(default_factory=list)


def change_log(workspace: Workspace, indicator: str | None = None) -> ChangeLog:
    """Every change of a stored value (of ``indicator`` only, if given), oldest first.

    ``indicator`` is a Kennung of the catalogue or of the change log, in any case; another one is a UsageError
    naming the nearest Kennungen.
    """
    catalogue = workspace_catalogue(workspace)
    known = set(catalogue.indicators) if indicator is not None else set()
    if not workspace.store_file.is_file():
        return ChangeLog(False, indicator and _known(indicator, known))
    with Store.read_only(workspace.store_file) as store:
        if indicator is not None:
            known |= store.history_indicators()
            indicator = _known(indicator, known)
        rows = store.history_rows(indicator)
    entries = [ChangeEntry(changed_at=r["changed_at"],
                           key=ObservationKey(r["indicator"], r["year"], r["area"], r["grp"], r["sex"], r["measure"],
                                              r["age"], r["nationality"]),
                           old_value=r["old_value"], old_flag=r["old_flag"] or "", new_value=r["new_value"],
                           new_office=r["new_office"], new_file=r["new_file"], old_file=r["old_file"] or "",
                           reason=r["reason"] or "")
               for r in rows]
    entries = [dataclasses.replace(e, place=key_labels(catalogue, e.key)) for e in entries]
    return ChangeLog(True, indicator, entries)


def key_labels(catalogue: Catalogue, key: ObservationKey) -> str:
    """Area, group, sex and measure of ``key`` as the catalogue names them: 'Alte Neustadt · Nichtdeutsche ·
    Männlich · Wert' (a code the catalogue no longer knows stays as it is)."""
    parts = [catalogue.area_label(key.area), catalogue.label("gruppe", key.group), catalogue.label("geschlecht", key.sex)]
    if key.age != ALL:  # a value broken down by age group or nationality says which
        parts.append(f"Alter {catalogue.label('altersgruppe', key.age)}")
    if key.nationality != ALL:
        parts.append(catalogue.label("staatsangehoerigkeit", key.nationality))
    return " · ".join([*parts, MEASURE_LABELS.get(key.measure, key.measure)])


def _known(indicator: str, known: set[str]) -> str:
    """The Kennung as the catalogue writes it (bil-06 -> BIL-06); UsageError if there is none such."""
    by_key = {name.casefold(): name for name in known}
    found = by_key.get(indicator.strip().casefold())
    if found is None:
        examples = ", ".join(sorted(known)[:3])
        raise UsageError(f"Die Kennzahl „{indicator}“ gibt es weder im Katalog noch im Änderungsprotokoll."
                         + did_you_mean(indicator.strip(), known),
                         hint=f"Bitte die Kennung aus dem Blatt Indikatoren des Katalogs angeben (z. B. {examples}); "
                              "ohne --indicator zeigt 'toolkit log' alle Änderungen.")
    return found
