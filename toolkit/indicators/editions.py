"""The publication ledger: what every released edition showed and withheld, carried into every later edition.

``toolkit publish`` records each edition in the store (tables editions and edition_cells, core/store_schema.py): per
cell, keyed by every field of ObservationKey (indicator, year, area, group, sex, … and the measure), the value as
published (status veröffentlicht) or the reason it was withheld (status gesperrt). The cell a table shows is measure
'wert' (a count, a rate or another value); the Zähler and Nenner of a rate that disclosure control hid are rows of
their own (measure zaehler, nenner), so that a later edition hides the same counts.

Every later edition (compile, export, publish) reads the ledger as ``Earlier`` (confidentiality.protect): a count an
edition hid stays hidden, a cell it withheld stays withheld, a value it published is known, and a value that changed
since is a revision ("Korrigierte Werte").

``audit_editions`` runs the audit (audit.py) over several editions together, as a reader who keeps them all would: for
each edition, every value another edition published is taken for a cell this one withheld or does not have (the
reader assumes it still holds). Relations never cross a year, so each year is audited on its own, and a year that
reads the same in every edition only once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from toolkit.catalogue.model import Catalogue, IndicatorType, area_key
from toolkit.core.cells import german_date
from toolkit.core.keys import ObservationKey
from toolkit.indicators.audit import CELL_COLUMNS, AuditResult, audit_cells
from toolkit.indicators.confidentiality import SECONDARY, SPARSE, SPARSE_SYMBOL, Earlier
from toolkit.indicators.values import KEY

SHOWN = "veröffentlicht"
WITHHELD = "gesperrt"
CELL_MEASURE = "wert"  # the measure of the cell a table shows
REVISION_COLUMNS = ("Jahr", "Indikator", "Indikatorname", "Gebiet", "Gebietsschluessel", "Gruppe", "Geschlecht",
                    "Altersgruppe", "Staatsangehoerigkeit", "Bisher", "Bisher veröffentlicht", "Jetzt", "Kennzeichen")


@dataclass(frozen=True)
class Edition:
    """One released edition (a row of the ledger's table editions)."""

    number: int
    year: int
    published_at: str
    folder: str
    report: str

    @property
    def label(self) -> str:
        """'Ausgabe 2024 vom 12.03.2025'."""
        return f"Ausgabe {self.year} vom {german_date(self.published_at)}"


def editions_of(rows: Iterable) -> list[Edition]:
    """The editions of the store's rows (Store.editions), oldest first."""
    return [Edition(int(r["id"]), int(r["year"]), r["published_at"], r["folder"], r["report"]) for r in rows]


def _split(row: tuple) -> tuple[int, dict[str, object], tuple]:
    """A ledger row (Store.edition_cells) as (edition, key by field name, (status, value, reason, rounding))."""
    fields = ObservationKey._fields
    return int(row[0]), dict(zip(fields, row[1:1 + len(fields)], strict=True)), row[1 + len(fields):]


def earlier_of(editions: Sequence[Edition], rows: Iterable[tuple]) -> Earlier:
    """What the editions made public, for the disclosure control of the next one (rows: Store.edition_cells)."""
    labels = {e.number: e.label for e in editions}
    shown: dict[tuple, float] = {}
    where: dict[tuple, str] = {}
    withheld: set[tuple] = set()
    hidden: set[tuple] = set()
    for row in rows:  # oldest edition first: the last one that published a cell names its value
        edition, key, (status, value, reason, _rounded) = _split(row)
        cell = tuple(key[column] for column in KEY)
        if status == SHOWN and key["measure"] == CELL_MEASURE:
            shown[cell] = float(value)
            where[cell] = labels.get(edition, "")
        elif status == WITHHELD and reason != SPARSE:
            hidden.add((*cell, key["measure"]))
            if key["measure"] == CELL_MEASURE:
                withheld.add(cell)
    # a count shown since is public: not hidden again (the Zähler or Nenner of a rate shown since: protect decides)
    return Earlier(shown, frozenset(withheld - shown.keys()),
                   frozenset(c for c in hidden if c[-1] != CELL_MEASURE or c[:-1] not in shown), where)


def ledger_cells(published: pd.DataFrame) -> list[tuple]:
    """The ledger rows of a new edition from its protected table (confidentiality.protect): every cell it publishes
    or withholds, and the Zähler and Nenner of a rate that disclosure control hid. Each row: every field of
    ObservationKey, status, value, reason, rounding base."""
    rows = []
    columns = [published[column].to_numpy() for column in (*KEY, "suppressed", "shown", "rounded", "hidden")]
    for *cell, suppressed, shown, rounded, hidden in zip(*columns, strict=True):
        key = dict(zip(KEY, cell, strict=True))
        if suppressed:
            rows.append((*_key(key, CELL_MEASURE), WITHHELD, None, suppressed, 0))
        elif not math.isnan(shown):
            rows.append((*_key(key, CELL_MEASURE), SHOWN, float(shown), "", int(rounded)))
        for measure in hidden.split():
            if measure != CELL_MEASURE:
                rows.append((*_key(key, measure), WITHHELD, None, suppressed or SECONDARY, 0))
    return rows


def _key(cell: dict[str, object], measure: str) -> tuple:
    """The ledger key (every field of ObservationKey, in its order) of a cell's measure; numpy values as Python's."""
    values = {**cell, "measure": measure}
    return tuple(v.item() if hasattr(v, "item") else v for v in (values[f] for f in ObservationKey._fields))


def revision_rows(published: pd.DataFrame, catalogue: Catalogue) -> list[tuple]:
    """The "Korrigierte Werte": cells whose value differs from the one an earlier edition published (REVISION_COLUMNS;
    Jetzt is empty where the cell is withheld now, the reason in Kennzeichen)."""
    rows = []
    for r in published[published["revised"]].itertuples(index=False):
        indicator = catalogue.indicators[r.indicator]
        now = "" if r.suppressed or math.isnan(r.shown) else _number(indicator.typ, r.shown)
        flag = f"gesperrt ({r.symbol})" if r.suppressed else ("" if now else "kein Wert mehr")
        rows.append((int(r.year), indicator.id, indicator.name, catalogue.area_label(r.area), area_key(r.area),
                     catalogue.label("gruppe", r.group), catalogue.label("geschlecht", r.sex),
                     catalogue.label("altersgruppe", r.age), catalogue.label("staatsangehoerigkeit", r.nationality),
                     _number(indicator.typ, r.earlier), r.earlier_edition, now, flag))
    return rows


def _number(typ: str, value: float) -> str:
    """A value as the open data writes it (decimal point)."""
    if typ == IndicatorType.ANZAHL:
        return str(int(round(value)))
    return f"{value:.1f}" if typ == IndicatorType.QUOTE else f"{value:.2f}".rstrip("0").rstrip(".")


# ---- the audit over editions ---------------------------------------------------------------------------------


def edition_frames(editions: Sequence[Edition], rows: Iterable[tuple]) -> list[pd.DataFrame]:
    """Per edition its published cells (measure wert) as a frame like the protected table: KEY columns, suppressed,
    symbol, shown, rounded."""
    by_edition: dict[int, list[tuple]] = {e.number: [] for e in editions}
    for row in rows:
        edition, key, (status, value, reason, rounded) = _split(row)
        if key["measure"] != CELL_MEASURE or edition not in by_edition:
            continue
        suppressed = reason if status == WITHHELD else ""
        symbol = SPARSE_SYMBOL if reason == SPARSE else "." if suppressed else ""
        by_edition[edition].append((*(key[c] for c in KEY), suppressed, symbol,
                                    math.nan if value is None else float(value), int(rounded or 0)))
    columns = [*KEY, "suppressed", "symbol", "shown", "rounded"]
    return [pd.DataFrame(cells, columns=columns) for cells in by_edition.values()]


def audit_frame(published: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The cells of a protected table (or of an edition_frames frame) as the audit reads them (audit.cells_of)."""
    kinds = {i.id: (i.typ, i.faktor) for i in catalogue.indicators.values()
             if i.typ in (IndicatorType.ANZAHL, IndicatorType.QUOTE)}
    cells = published[published["indicator"].isin(kinds)]
    typ = cells["indicator"].map(lambda code: kinds[code][0])
    faktor = cells["indicator"].map(lambda code: kinds[code][1])
    frame = pd.DataFrame({"indicator": cells["indicator"], "year": cells["year"].astype(int), "area": cells["area"],
                          "group": cells["group"], "sex": cells["sex"], "age": cells["age"],
                          "nationality": cells["nationality"], "typ": typ, "faktor": faktor,
                          "value": cells["shown"].astype(float), "suppressed": cells["suppressed"] != "",
                          "symbol": cells["symbol"], "rounded": cells["rounded"].astype(float)})
    return frame[(frame["suppressed"]) | frame["value"].notna()].reset_index(drop=True)[CELL_COLUMNS]


def audit_editions(editions: Sequence[pd.DataFrame], catalogue: Catalogue) -> AuditResult:
    """The audit over editions read together (see module docstring); ``editions``: audit cells (audit.cells_of,
    audit_frame) per edition, oldest first."""
    result = AuditResult(editions=len(editions))
    key = [c for c in CELL_COLUMNS if c in KEY]
    everything = pd.concat(editions, ignore_index=True) if editions else pd.DataFrame(columns=CELL_COLUMNS)
    result.cells = int(everything.drop_duplicates(key).shape[0])
    targets = everything[everything["suppressed"] & (everything["symbol"] != SPARSE_SYMBOL)]
    result.suppressed = int(targets.drop_duplicates(key).shape[0])
    seen_views: set[int] = set()
    found: dict[tuple, object] = {}
    contradicted: dict[int, int] = {}  # per year, the most in one edition's view
    for year in sorted(everything["year"].unique()):
        parts = [edition[edition["year"] == year] for edition in editions]
        parts = [part for part in parts if not part.empty]
        for own in parts:
            view = _view(own, [part for part in parts if part is not own], key)
            fingerprint = hash(tuple(sorted(map(tuple, view.astype(str).to_numpy()))))
            if fingerprint in seen_views:
                continue
            seen_views.add(fingerprint)
            audited = audit_cells(view.reset_index(drop=True), catalogue)
            contradicted[year] = max(contradicted.get(year, 0), audited.contradicted)
            for recovered in audited.recovered:
                found.setdefault((recovered.key, recovered.value), recovered)
    result.recovered = list(found.values())
    result.contradicted = sum(contradicted.values())
    return result


def _view(own: pd.DataFrame, others: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    """One edition's cells, and for every cell it withholds or lacks the value another edition published (the
    latest)."""
    if not others:
        return own
    published = pd.concat([o[~o["suppressed"] & o["value"].notna()] for o in others], ignore_index=True)
    published = published.drop_duplicates(key, keep="last")
    own_shown = own[~own["suppressed"] & own["value"].notna()].set_index(key).index
    taken = published[~published.set_index(key).index.isin(own_shown)]
    kept = own[~own.set_index(key).index.isin(taken.set_index(key).index)]
    return pd.concat([kept, taken], ignore_index=True)
