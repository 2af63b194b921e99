"""An audit that tries to break the disclosure control, as an outsider would, from the published numbers alone.

Input: the published table (the rows of the open-data export, indicators/export.py: Jahr, Indikator,
Gebietsschluessel, Gruppe, Geschlecht, Altersgruppe, Staatsangehoerigkeit, Wert, Kennzeichen) and the relations the
catalogue declares. Every count
behind a published cell is a node with an interval of possible values, starting at [0, ∞):

- a published count fixes its node (rounded counts: ± half the rounding base); a suppressed count is at least 1
  (a true 0 is shown as –), so two hidden counts whose sum is 2 are both 1;
- counts the catalogue declares equal (sheet Gleiche Zahlen) are one node;
- a published rate (one decimal) ties Zähler and Nenner: Zähler = rate × Nenner / Faktor, in both directions;
- every additive relation (group sum rules, sexes, Stadtteile and Gesamtstadt, all ages and the age groups of each
  Verwendung, the age groups of two Verwendungen over the same ages, a group and its single nationalities) bounds each
  member by the others.

A Stadtteil cell the table lacks whose count another indicator publishes as the same number (a share without value,
whose Nenner is DEM-01's inhabitants) takes part in the Gesamtstadt's sum. The bounds are narrowed until nothing
changes; a sum that the published numbers contradict (it would leave a count no value) holds for no reader: it is
left out, counted and named in the result. A suppressed count whose interval holds a single whole number is
recovered: that is a breach. Rates shown as "x" (sparsely populated Stadtteile) are not secret and not targets;
the Zähler of a suppressed rate is a target unless it is published as a count anyway (then the rate was
suppressed for its small Nenner, a matter of reliability, not of secrecy).

``unjustified`` checks the other direction on the protected table: every secondarily suppressed cell shares a
relation or a declared equal count with another suppressed count (nothing is blocked without reason).
"""

from __future__ import annotations

import math
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from toolkit.catalogue.links import summed_counts
from toolkit.catalogue.model import AREA_KEYS, CITY, Catalogue, IndicatorType, district_area
from toolkit.collect.layout import MEASURE_LABELS
from toolkit.core.cells import count_of, format_number
from toolkit.core.keys import ALL, ObservationKey
from toolkit.indicators.confidentiality import (
    EARLIER,
    PRIMARY,
    SECONDARY,
    SOURCE,
    SPARSE_SYMBOL,
    equal_counts,
    relations,
)

RATE_HALF_STEP = 0.05  # rates are published with one decimal
MAX_ROUNDS = 50
CELL_COLUMNS = ["indicator", "year", "area", "group", "sex", "age", "nationality", "typ", "faktor", "value",
                "suppressed", "symbol", "rounded"]


@dataclass(frozen=True)
class Recovered:
    """A suppressed count the audit could compute from the published numbers."""

    key: ObservationKey
    value: int

    def text(self, catalogue: Catalogue) -> str:
        key = self.key
        breakdown = "".join(f", {catalogue.label(dimension, code)}" for dimension, code in
                            (("altersgruppe", key.age), ("staatsangehoerigkeit", key.nationality)) if code != ALL)
        return (f"{key.indicator} {key.year} {catalogue.area_label(key.area)}, {catalogue.label('gruppe', key.group)}, "
                f"{catalogue.label('geschlecht', key.sex)}{breakdown} ({MEASURE_LABELS.get(key.measure, key.measure)}): "
                f"{format_number(self.value)}")


@dataclass
class AuditResult:
    cells: int = 0  # published cells read
    suppressed: int = 0  # suppressed cells that were targets
    recovered: list[Recovered] = field(default_factory=list)
    editions: int = 1  # the editions read together (indicators/editions.py)
    contradicted: int = 0  # sums the published numbers do not add up to (left out: they hold for no reader)

    @property
    def ok(self) -> bool:
        return not self.recovered

    def lines(self, catalogue: Catalogue) -> list[str]:
        together = f" in {self.editions} Ausgaben zusammen" if self.editions > 1 else ""
        head = (f"Prüfung der Geheimhaltung{together}: {count_of(self.cells, 'Wert', adjective='veröffentlicht')}, "
                f"{count_of(self.suppressed, 'Wert', adjective='gesperrt')}; "
                "versucht, jeden gesperrten Wert aus Summen, Anteil × Grundzahl und gleichen Zahlen anderer "
                "Kennzahlen zurückzurechnen.")
        one = self.contradicted == 1
        contradicted = [f"{count_of(self.contradicted, 'Summe', 'Summen')} der veröffentlichten Werte "
                        f"{'geht' if one else 'gehen'} nicht auf (etwa Altersgruppen zweier Gliederungen mit "
                        f"verschiedener Summe) und {'wurde' if one else 'wurden'} nicht verwendet; bitte die Werte "
                        "prüfen."] if self.contradicted else []
        if self.ok:
            return [head, "Kein gesperrter Wert ist zurückzurechnen.", *contradicted]
        return [head, f"{count_of(len(self.recovered), 'Wert', adjective='gesperrt')} "
                      f"{'ist' if len(self.recovered) == 1 else 'sind'} zurückzurechnen:",
                *(f"  {r.text(catalogue)}" for r in self.recovered), *contradicted]


class _Intervals:
    """Nodes (counts) with lower and upper bounds; equal counts share one node."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.parent: list[int] = []
        self.low: list[float] = []
        self.high: list[float] = []
        self.contradicted = False  # a narrowing would have left a node no value
        self.touched: list[int] = []  # nodes narrowed since the list was last cleared

    def node(self, key: tuple) -> int:
        number = self.ids.get(key)
        if number is None:
            number = self.ids[key] = len(self.parent)
            self.parent.append(number)
            self.low.append(0.0)
            self.high.append(math.inf)
        return self.find(number)

    def find(self, number: int) -> int:
        while self.parent[number] != number:
            self.parent[number] = self.parent[self.parent[number]]
            number = self.parent[number]
        return number

    def join(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[b] = a
            self.narrow(a, self.low[b], self.high[b])

    def narrow(self, number: int, low: float, high: float) -> bool:
        """Intersect the node's interval with [low, high]; True if it shrank noticeably. If nothing would be left
        (published numbers that contradict each other), the node keeps its interval and ``contradicted`` is set."""
        number = self.find(number)
        if max(low, self.low[number]) > min(high, self.high[number]) + 1e-6:
            self.contradicted = True
            return False
        changed = False
        if low > self.low[number] + 1e-9:
            self.low[number] = low
            changed = True
        if high < self.high[number] - 1e-9:
            self.high[number] = high
            changed = True
        if changed:
            self.touched.append(number)
        return changed

    def exact(self, number: int) -> int | None:
        """The one whole number the node can be, if its interval holds only one."""
        number = self.find(number)
        if math.isinf(self.high[number]):
            return None
        low, high = math.ceil(self.low[number] - 1e-9), math.floor(self.high[number] + 1e-9)
        return low if low == high else None


def audit(rows: Iterable[Mapping[str, str]], catalogue: Catalogue) -> AuditResult:
    """Try to recompute every suppressed count of the published table ``rows`` (see module docstring)."""
    return audit_cells(cells_of(rows, catalogue), catalogue)


def audit_cells(cells: pd.DataFrame, catalogue: Catalogue) -> AuditResult:
    """The audit on published cells with codes (as ``cells_of`` makes them from the rows of the export)."""
    result = AuditResult(cells=len(cells))
    if cells.empty:
        return result
    cells = pd.concat([cells, _unseen_parts(cells, catalogue)], ignore_index=True)
    records = _records(cells)
    nodes = _Intervals()
    count_of: dict[int, int] = {}
    nenner_of: dict[int, int] = {}
    for row in records:
        key = (row.indicator, row.year, row.area, row.group, row.sex, row.age, row.nationality)
        if row.typ == IndicatorType.ANZAHL:
            count_of[row.Index] = nodes.node((*key, "wert"))
        else:
            count_of[row.Index] = nodes.node((*key, "zaehler"))
            nenner_of[row.Index] = nodes.node((*key, "nenner"))
    for key, partner in equal_counts(list(nodes.ids), catalogue):
        nodes.join(nodes.ids[key], nodes.ids[partner])
    public: set[int] = set()
    for row in records:
        if row.typ == IndicatorType.ANZAHL and not row.suppressed and not math.isnan(row.value):
            half = row.rounded / 2
            nodes.narrow(count_of[row.Index], max(0.0, row.value - half), row.value + half)
            public.add(nodes.find(count_of[row.Index]))
    for row in records:  # a suppressed count is not 0 (a true 0 is shown as –): at least 1
        if row.typ == IndicatorType.ANZAHL and row.suppressed and row.symbol != SPARSE_SYMBOL:
            nodes.narrow(count_of[row.Index], 1.0, math.inf)
    sums = _sum_relations(cells, catalogue, count_of, nenner_of, nodes)
    sums += [((nodes.find(nodes.ids[key]),), tuple(nodes.find(nodes.ids[p]) for p in parts))
             for key, parts in summed_counts(list(nodes.ids), catalogue.links)]
    rates = [(count_of[row.Index], nenner_of[row.Index], row.value / row.faktor)
             for row in records if row.typ == IndicatorType.QUOTE and not row.suppressed and not math.isnan(row.value)]
    step = {row.Index: RATE_HALF_STEP / row.faktor for row in records if row.typ == IndicatorType.QUOTE}
    half_steps = [step[row.Index] for row in records
                  if row.typ == IndicatorType.QUOTE and not row.suppressed and not math.isnan(row.value)]
    start = (nodes.low[:], nodes.high[:])
    contradicted: set[int] = set()
    while True:  # a sum the published numbers contradict holds for no reader: narrow again without it
        nodes.low, nodes.high = start[0][:], start[1][:]
        found = _narrow_all(nodes, [(r, h) for r, h in zip(rates, half_steps, strict=True)],
                            [(number, relation) for number, relation in enumerate(sums) if number not in contradicted])
        if not found:
            break
        contradicted |= found
    result.contradicted = len(contradicted)
    for row in records:
        if not row.suppressed or row.symbol == SPARSE_SYMBOL:
            continue
        result.suppressed += 1
        node = nodes.find(count_of[row.Index])
        if row.typ == IndicatorType.QUOTE and node in public:
            continue
        value = nodes.exact(node)
        if value is not None:
            measure = "wert" if row.typ == IndicatorType.ANZAHL else "zaehler"
            result.recovered.append(Recovered(ObservationKey(row.indicator, row.year, row.area, row.group, row.sex,
                                                             measure, row.age, row.nationality), value))
    return result


_Record = namedtuple("_Record", ["Index", *CELL_COLUMNS])


def _records(cells: pd.DataFrame) -> list[tuple]:
    """The cells as tuples of Python values, like ``itertuples`` gives them (with ``Index`` the row's position), read
    column by column: walking text columns value by value is slow."""
    return [_Record(*values) for values in zip(range(len(cells)), *(cells[c].tolist() for c in CELL_COLUMNS),
                                               strict=True)]


def _unseen_parts(cells: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Cells of a Stadtteil the table lacks where the Gesamtstadt has the cell by Stadtteil: to a reader they are
    unknown counts of the sum that gives the Gesamtstadt, not zeros. Two kinds: the Stadtteil is in the table for the
    indicator and year, only not in this breakdown (a sparsely populated Stadtteil without age groups; its own
    relations bound them: its age groups sum to its total); or another indicator publishes the count as the same number
    (sheet Gleiche Zahlen: the Nenner of STT-01 = DEM-01's inhabitants, while a rate without a value has no row). A
    Stadtteil the table does not have at all takes no part (a table of some Stadtteile)."""
    measures = {IndicatorType.ANZAHL: ("wert",), IndicatorType.QUOTE: ("zaehler", "nenner")}
    columns = ["indicator", "year", "area", "group", "sex", "age", "nationality"]
    keys = list(zip(*(cells[c].to_numpy() for c in columns), strict=True))
    have = set(keys)
    published = {(*key, measure) for key, typ in zip(keys, cells["typ"].to_numpy(), strict=True)
                 for measure in measures[typ]}
    by_district = {(i, y, g, s, a, n) for i, y, area, g, s, a, n in have if area != CITY}
    areas_of = defaultdict(set)  # (indicator, year) -> the Stadtteile the table has
    for indicator, year, area, *_rest in have:
        areas_of[(indicator, year)].add(area)
    missing: dict[tuple, tuple] = {}  # (*key, measure) -> (key, typ, faktor)
    unknown: set[tuple] = set()
    for row in cells[cells["area"] == CITY].itertuples():
        if (row.indicator, row.year, row.group, row.sex, row.age, row.nationality) not in by_district:
            continue  # no sum over Stadtteile
        for district in catalogue.districts:
            key = (row.indicator, row.year, district.area, row.group, row.sex, row.age, row.nationality)
            if key not in have:
                missing.update({(*key, measure): (key, row.typ, row.faktor) for measure in measures[row.typ]})
                if district.area in areas_of[(row.indicator, row.year)]:
                    unknown.add(key)
    if not missing:
        return pd.DataFrame(columns=CELL_COLUMNS)
    linked = [missing[a if a in missing else b] for a, b in equal_counts([*published, *missing], catalogue)
              if (a in missing) != (b in missing)]
    linked += [(key, typ, faktor) for key, typ, faktor in missing.values() if key in unknown]
    records = {cell: (*cell, typ, faktor, math.nan, False, "", 0.0) for cell, typ, faktor in linked}
    return pd.DataFrame(list(records.values()), columns=CELL_COLUMNS)


def _narrow_all(nodes: _Intervals, rates: list[tuple[tuple[int, int, float], float]],
                sums: list[tuple[int, tuple[tuple[int, ...], tuple[int, ...]]]]) -> set[int]:
    """Narrow the intervals by the rates and the sums until nothing changes; the numbers of the sums that contradict
    the intervals (they would leave a count no possible value).

    Rounds go through the rates, then the sums, in order, as long as one narrows something. A relation none of whose
    counts was narrowed since it was last applied (and which then narrowed nothing) is not applied again: with the
    same bounds it would narrow nothing again, so the rounds end with the same intervals, only sooner."""
    contradicted: set[int] = set()
    rates = [((nodes.find(z), nodes.find(n), share), half) for (z, n, share), half in rates]
    sums = [(number, (tuple(nodes.find(m) for m in totals), tuple(nodes.find(m) for m in parts)))
            for number, (totals, parts) in sums]
    readers: dict[int, list[int]] = defaultdict(list)  # node -> the relations (rates first, then sums) that read it
    for item, ((zaehler, nenner, _share), _half) in enumerate(rates):
        for node in {zaehler, nenner}:
            readers[node].append(item)
    for item, (_number, (totals, parts)) in enumerate(sums, start=len(rates)):
        for node in {*totals, *parts}:
            readers[node].append(item)
    due = [True] * (len(rates) + len(sums))
    nodes.touched.clear()

    def narrowed() -> None:  # the relations that read a node just narrowed are due again
        for node in nodes.touched:
            for item in readers[node]:
                due[item] = True
        nodes.touched.clear()

    for _round in range(MAX_ROUNDS):
        changed = False
        for item, ((zaehler, nenner, share), half) in enumerate(rates):
            if due[item]:
                due[item] = False
                if _rate(nodes, zaehler, nenner, share, half):
                    changed = True
                    narrowed()
        for item, (number, (totals, parts)) in enumerate(sums, start=len(rates)):
            if due[item]:
                due[item] = False
                nodes.contradicted = False
                if _balance(nodes, totals, parts):
                    changed = True
                    narrowed()
                if nodes.contradicted:
                    contradicted.add(number)
        if contradicted or not changed:
            break
    return contradicted


def _rate(nodes: _Intervals, zaehler: int, nenner: int, share: float, half: float) -> bool:
    """Zähler = share × Nenner, share known to ± half."""
    z, n = nodes.find(zaehler), nodes.find(nenner)
    low, high = max(0.0, share - half), share + half
    changed = nodes.narrow(z, nodes.low[n] * low, nodes.high[n] * high)
    if high > 0 and low > 0:
        changed |= nodes.narrow(n, nodes.low[z] / high, nodes.high[z] / low)
    elif high > 0:
        changed |= nodes.narrow(n, nodes.low[z] / high, math.inf)
    return changed


def _balance(nodes: _Intervals, left: tuple[int, ...], right: tuple[int, ...]) -> bool:
    """sum(left) = sum(right): bound each member by the others (a total and its parts: ``left`` is the total; both
    nodes as ``find`` gives them)."""
    changed = False
    for side, other in ((left, right), (right, left)):
        other_low = sum(nodes.low[m] for m in other)
        other_high = sum(nodes.high[m] for m in other)  # inf if any member is unbounded
        low = sum(nodes.low[m] for m in side)
        unbounded = sum(1 for m in side if math.isinf(nodes.high[m]))
        finite_high = sum(nodes.high[m] for m in side if not math.isinf(nodes.high[m]))
        for m in side:
            others_low = low - nodes.low[m]
            if math.isinf(nodes.high[m]):
                others_high = math.inf if unbounded > 1 else finite_high
            else:
                others_high = math.inf if unbounded else finite_high - nodes.high[m]
            changed |= nodes.narrow(m, other_low - others_high, other_high - others_low)
    return changed


def _sum_relations(cells: pd.DataFrame, catalogue: Catalogue, count_of: dict[int, int], nenner_of: dict[int, int],
                   nodes: _Intervals) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    found: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    block_all = cells.assign(present=0.0)
    for _indicator, index in block_all.groupby("indicator", sort=False).groups.items():
        block = block_all.loc[index]
        for of in (count_of, nenner_of):
            if of is nenner_of and block["typ"].iloc[0] != IndicatorType.QUOTE:
                continue
            for relation in relations(block, catalogue, "present"):
                found.add((tuple(nodes.find(of[t]) for t in relation.totals),
                           tuple(nodes.find(of[p]) for p in relation.parts)))
    return sorted(found)


def cells_of(rows: Iterable[Mapping[str, str]], catalogue: Catalogue) -> pd.DataFrame:
    """The export rows as cells with codes (group, sex, age group, nationality, area) and the indicator's type, factor
    and rounding (counts and rates only: the others relate to nothing)."""
    groups = {c.bezeichnung: c.code for c in catalogue.characteristics if c.dimension == "gruppe"}
    sexes = {c.bezeichnung: c.code for c in catalogue.characteristics if c.dimension == "geschlecht"}
    ages = {catalogue.label("altersgruppe", code): code for code in (ALL, *catalogue.age_group)}
    areas = {key: area for area, key in AREA_KEYS.items()} | {d.schluessel: d.area for d in catalogue.districts}
    records = []
    for row in rows:
        indicator = catalogue.indicators.get(row["Indikator"])
        if indicator is None or indicator.typ not in (IndicatorType.ANZAHL, IndicatorType.QUOTE):
            continue
        flags = row.get("Kennzeichen", "")
        suppressed = flags.startswith("gesperrt")
        symbol = flags[flags.find("(") + 1:flags.find(")")] if suppressed else ""
        rounded = next((float(part.split()[1]) for part in flags.split("; ") if part.startswith("auf ")), 0.0)
        value = float(row["Wert"]) if row.get("Wert") else math.nan
        records.append((indicator.id, int(row["Jahr"]), areas.get(row["Gebietsschluessel"],
                                                                  district_area(row["Gebietsschluessel"])),
                        groups.get(row["Gruppe"], row["Gruppe"]), sexes.get(row["Geschlecht"], row["Geschlecht"]),
                        ages.get(row.get("Altersgruppe", ""), ALL), row.get("Staatsangehoerigkeitsschluessel") or ALL,
                        indicator.typ, indicator.faktor, value, suppressed, symbol, rounded))
    return pd.DataFrame(records, columns=CELL_COLUMNS)


def unjustified(published: pd.DataFrame, catalogue: Catalogue) -> list[tuple]:
    """Secondarily suppressed cells that share no relation and no declared equal count with another suppressed
    count (the protected table of confidentiality.protect); an empty list means every block has its reason."""
    cells = published[published["typ"].isin((IndicatorType.ANZAHL, IndicatorType.QUOTE))].copy()
    cells["count"] = cells["wert"].where(cells["typ"] == IndicatorType.ANZAHL, cells["zaehler"]).astype(float)
    hidden = cells["suppressed"].isin((PRIMARY, SECONDARY, SOURCE, EARLIER))
    linked = _linked_keys(cells, catalogue)
    reasons: set[int] = set()
    for _indicator, index in cells.groupby("indicator", sort=False).groups.items():
        block = cells.loc[index]
        for relation in relations(block, catalogue, "count"):
            members = relation.cells
            if sum(1 for m in members if hidden[m]) >= 2:
                reasons.update(m for m in members if hidden[m])
    counted = {(r.indicator, r.year, r.area, r.group, r.sex, r.age, r.nationality,
                "wert" if r.typ == IndicatorType.ANZAHL else "zaehler"): r.Index for r in cells.itertuples()}
    for key, parts in summed_counts(counted, catalogue.links):  # a count that is a sum of another indicator's age groups
        members = [counted[key], *(counted[p] for p in parts)]
        if sum(1 for m in members if hidden[m]) >= 2:
            reasons.update(m for m in members if hidden[m])
    missing = []
    for row in cells[cells["suppressed"] == SECONDARY].itertuples():
        key = (row.indicator, row.year, row.area, row.group, row.sex, row.age, row.nationality)
        if row.Index in reasons or any(hidden.get(other, False) for other in linked.get(key, ())):
            continue
        missing.append(key)
    return missing


def _linked_keys(cells: pd.DataFrame, catalogue: Catalogue) -> dict[tuple, list[int]]:
    """Cell key -> rows of cells whose Zähler, Nenner or count the catalogue declares equal to this cell's."""
    index = {(r.indicator, r.year, r.area, r.group, r.sex, r.age, r.nationality): r.Index for r in cells.itertuples()}
    linked: dict[tuple, list[int]] = defaultdict(list)
    for key in index:
        ind, year, area, group, sex, age, nationality = key
        for link in catalogue.links:
            if link.gleich_alter:  # a sum across indicators: its parts share a relation (summed_counts), no cell
                continue
            for mine, theirs, my_group, their_group in (
                    (link.indikator, link.gleich_indikator, link.gruppe, link.gleich_gruppe),
                    (link.gleich_indikator, link.indikator, link.gleich_gruppe, link.gruppe)):
                if ind != mine or (my_group and group != my_group):
                    continue
                other = index.get((theirs, year, area, their_group or group, sex, age, nationality))
                if other is not None:
                    linked[key].append(other)
    return linked


__all__ = ["CELL_COLUMNS", "AuditResult", "Recovered", "audit", "audit_cells", "cells_of", "unjustified"]
