"""Earlier layouts of the collection workbooks: what a distributed workbook was made from, kept to read its return.

A workbook's layout is a pure function of the office's part of the catalogue (``layout.plan_workbook``: its
indicators, the Stadtteile, the labels). ``distribute`` keeps that part in the store with the layout's fingerprint
(``snapshot``). When the catalogue changes during a round (a new indicator, other groups, a new Stadtteil), a return
made with the workbook sent earlier still carries the earlier fingerprint; the reader then rebuilds the plan from
the kept part (``earlier_catalogue``) and reads the return by the layout it was made with, and
``catalogue_changes`` says in German what changed since ("seitdem kam BIL-12 hinzu").
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from toolkit.catalogue.model import (
    AgeGroup,
    Catalogue,
    Characteristic,
    District,
    Indicator,
    Nationality,
    Office,
)
from toolkit.collect.layout import WorkbookPlan, plan_workbook
from toolkit.core.cells import listed
from toolkit.core.store import Store

# what of an indicator shapes the workbook's rows
LAYOUT_FIELDS = ("gruppen", "geschlecht", "stadtteile", "typ", "altersgruppen", "alter_gruppen", "staatsangehoerigkeiten")


def snapshot(catalogue: Catalogue, office: str, shared: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """The office's part of the catalogue that its workbook is planned from, as JSON text.

    ``shared``: ``shared_fields(catalogue)``, made once by a caller that takes the snapshot of many offices.
    """
    return json.dumps({
        **(shared if shared is not None else shared_fields(catalogue)),
        "office": _fields(catalogue.offices[office]),
        "indicators": [_fields(i) for i in catalogue.indicators_of_office(office)],
    }, ensure_ascii=False, sort_keys=True)


def shared_fields(catalogue: Catalogue) -> dict[str, list[dict[str, Any]]]:
    """The parts of a snapshot that are the same for every office (the 200 nationalities make most of its cost)."""
    return {
        "districts": [_fields(d) for d in catalogue.districts],
        "characteristics": [_fields(c) for c in catalogue.characteristics],
        "age_groups": [_fields(a) for a in catalogue.age_groups],
        "nationalities": [_fields(n) for n in catalogue.nationalities],
    }


def _fields(item: Any) -> dict[str, Any]:
    """A dataclass of plain values as a dict (what dataclasses.asdict gives for these flat classes, without its
    deep copy: a fifth of the time, and distribute takes a snapshot of every office twice)."""
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


def earlier_catalogue(text: str) -> Catalogue | None:
    """The catalogue part kept by ``snapshot``, enough to plan that office's workbook again; None if it cannot be
    read (a later version of the toolkit added a field it does not know the value of)."""
    try:
        data = json.loads(text)
        office = _make(Office, data["office"])
        indicators = [_make(Indicator, d) for d in data["indicators"]]
        districts = tuple(_make(District, d) for d in data["districts"])
        characteristics = tuple(_make(Characteristic, d) for d in data["characteristics"])
        age_groups = tuple(_make(AgeGroup, d) for d in data.get("age_groups", ()))  # kept since 0.4
        nationalities = tuple(_make(Nationality, d) for d in data.get("nationalities", ()))
    except (ValueError, KeyError, TypeError):
        return None
    return Catalogue(source="früherer Katalog", indicators={i.id: i for i in indicators}, fields=(),
                     characteristics=characteristics, sum_rules=(), offices={office.code: office}, districts=districts,
                     profiles={}, age_groups=age_groups, nationalities=nationalities)


def earlier_plan(text: str, office: str, year: int, fingerprint: str) -> WorkbookPlan | None:
    """The plan of a workbook distributed with the kept catalogue part ``text``, if it has ``fingerprint``."""
    catalogue = earlier_catalogue(text)
    if catalogue is None or office not in catalogue.offices:
        return None
    plan = plan_workbook(catalogue, office, year)
    return plan if plan.fingerprint == fingerprint else None


def _make(cls: type, values: dict[str, Any]) -> Any:
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in known}
    return cls(**kwargs)


def catalogue_changes(earlier: WorkbookPlan, current: WorkbookPlan) -> str:
    """What changed between the layout a workbook was made with and today's, in German after "seitdem":
    "kam BIL-12 hinzu", "fielen BIL-03 und BIL-04 weg", "änderte sich BIL-06 (Gruppen)", "änderten sich die
    Stadtteile"."""
    before = {i.id: i for i in earlier.indicators}
    now = {i.id: i for i in current.indicators}
    parts = []
    added = [i for i in now if i not in before]
    removed = [i for i in before if i not in now]
    if added:
        parts.append(f"{'kam' if len(added) == 1 else 'kamen'} {listed(added)} hinzu")
    if removed:
        parts.append(f"{'fiel' if len(removed) == 1 else 'fielen'} {listed(removed)} weg")
    labels = {"gruppen": "Gruppen", "geschlecht": "nach Geschlecht", "stadtteile": "nach Stadtteilen", "typ": "Typ",
              "altersgruppen": "nach Altersgruppen", "alter_gruppen": "Gruppen nach Alter",
              "staatsangehoerigkeiten": "nach Staatsangehörigkeiten"}
    for ident in (i for i in now if i in before):
        changed = [labels[f] for f in LAYOUT_FIELDS if getattr(before[ident], f) != getattr(now[ident], f)]
        if changed:
            parts.append(f"änderte sich {ident} ({', '.join(changed)})")
    keys = [[key for _row, key, _name in sheet.district_rows] for sheet in (*earlier.district_sheets[:1],
                                                                              *current.district_sheets[:1])]
    if len(keys) == 2 and keys[0] != keys[1]:
        parts.append("änderten sich die Stadtteile")
    rows = [{(b.dimension, b.indicator.id): [code for _row, code, _label in b.rows] for b in plan.breakdown_sheets}
            for plan in (earlier, current)]
    for dimension, words in (("altersgruppe", "die Altersgruppen"), ("staatsangehoerigkeit", "die einzeln erhobenen "
                                                                                              "Staatsangehörigkeiten")):
        if any(rows[0][key] != rows[1][key] for key in rows[0].keys() & rows[1].keys() if key[0] == dimension):
            parts.append(f"änderten sich {words}")
    if not parts:
        parts.append("änderte sich die Reihenfolge der Kennzahlen")
    return listed(parts)


@dataclass(frozen=True)
class LayoutChange:
    """The catalogue changed for an office after its workbook of the round was made."""

    office: str
    made: str  # when the office's workbook was made (ISO time, from the store)
    changes: str  # what changed, German, after "seitdem"
    readable: bool  # a return made with that workbook is still read (its layout was kept)


def layout_changes(store: Store, catalogue: Catalogue, year: int, offices: Iterable[str]) -> list[LayoutChange]:
    """The offices of the round for ``year`` whose distributed workbook no longer has today's layout."""
    rounds, kept = store.rounds(year), store.layouts(year)
    found = []
    shared = shared_fields(catalogue) if kept else None
    for office in offices:
        row = rounds.get(office)
        if row is None or office not in catalogue.offices:
            continue
        layout = kept.get((year, office, row["fingerprint"]))
        if layout is not None and layout["snapshot"] == snapshot(catalogue, office, shared):
            continue  # the same part of the catalogue plans the same workbook (a fifth of the cost of planning it)
        plan = plan_workbook(catalogue, office, year)
        if row["fingerprint"] == plan.fingerprint:
            continue
        earlier = earlier_plan(layout["snapshot"], office, year, row["fingerprint"]) if layout is not None else None
        changes = catalogue_changes(earlier, plan) if earlier is not None else "änderte sich der Aufbau des Bogens"
        found.append(LayoutChange(office, row["created_at"], changes, earlier is not None))
    return found
