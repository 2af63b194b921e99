"""Statistical confidentiality (Geheimhaltung) for everything published: report, Tabellenanhang, export.

Works on the value frame of indicators.value_frame (one row per indicator x year x area x group x sex x age group
x nationality) and returns a copy with the published value. The master matrix keeps the true values; this module is
only used on the way out.

- Primary suppression by the indicator's profile: counts 1 .. min_fallzahl-1 (a true 0 stays, shown
  as "–"); rates whose Nenner is below min_nenner or whose Zähler is 1 .. min_fallzahl-1.
- Values the source withheld (Kennzeichen 'gesperrt (Quelle)') are suppressed like primary cells.
- Secondary suppression as one problem over everything published: in every additive relation (group sum
  rules such as insgesamt = deutsch + nichtdeutsch, sex insgesamt = männlich + weiblich, Gesamtstadt =
  sum of the Stadtteile, all ages = the age groups of one Verwendung, the age groups of two Verwendungen over the
  same ages (65+ = 65-70 + … + 90+), a group = all its single nationalities when every one of them is there) a
  relation with exactly one suppressed count gets a second one (the smallest other count), so the suppressed value
  cannot be recomputed from the total (nor from a sum that makes each of its suppressed counts 1, also where the
  source withheld them and their values are unknown here); counts the catalogue
  declares equal (sheet Gleiche Zahlen: DEM-01 Nichtdeutsche = STT-01 Zähler, …) are one count, so a
  count suppressed in one indicator is suppressed in the others and no published rate gives it back
  through its Nenner. Repeated until no relation has a single suppressed count.
- Single nationalities below [geheimhaltung] staatsangehoerigkeit_mindestzahl in any year of the table are withheld
  in every year ('übrige Staatsangehörigkeiten', indicators/nationality_threshold.py) and hidden like small counts.
- Rounding of counts to the profile's rundung_basis (rates are computed from the delivered counts).
- Limited reliability: where the profile has klammer_unter, a published rate whose Nenner is below it is marked
  ``limited`` and shown in brackets (a count is exact however small; a rate from few cases is not).
- A rate without a single case in its Nenner is no number at all: "x" (Aussage nicht sinnvoll), never "–" (that
  is a true zero) and never "." (nothing is secret).
- Earlier editions (the publication ledger, indicators/editions.py) are public: a count they hid stays hidden and
  takes part in the secondary suppression as a hidden count, a cell they withheld stays withheld ('frühere Ausgabe'),
  and a count they published unchanged is known, so it is chosen as a second cell only when nothing else is left. A
  cell whose value differs from the one published is a revision (column ``revised``, the earlier value in
  ``earlier``).

Every choice depends on the keys of the cells only, never on their position in the frame: the cells of a year are
suppressed alike in every edition that holds the year.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.catalogue.breakdowns import equal_age_sums
from toolkit.catalogue.model import CITY, NATIONALITY_GROUP, Catalogue, Indicator, IndicatorType
from toolkit.collect.layout import FLAG_WITHHELD
from toolkit.core.keys import ALL
from toolkit.indicators.nationality_threshold import (
    DEFAULT_MIN_NATIONALITY,
    DEFAULT_YEARS,
    FOLDED,
    fold_small_nationalities,
)
from toolkit.indicators.values import KEY

PRIMARY = "primär"
SECONDARY = "sekundär"
SOURCE = "Quelle"  # withheld by the source (Kennzeichen 'gesperrt (Quelle)'): protected like a primary cell
EARLIER = "frühere Ausgabe"  # withheld by an earlier edition (the publication ledger): stays withheld
SPARSE = "gering besiedelt"  # a rate of a sparsely populated Stadtteil: not meaningful on its own, shown as "x"
SPARSE_SYMBOL = "x"
NO_BASE = "ohne Nenner"  # a rate without a single case in its Nenner: not secret, not zero, not meaningful
NO_BASE_SYMBOL = SPARSE_SYMBOL  # "x": Tabellenfach gesperrt, weil Aussage nicht sinnvoll
ZERO_SYMBOL = "–"
MISSING_SYMBOL = "…"
BRACKETS = "( )"
LIMITED_TEXT = "eingeschränkte Aussagekraft"

SYMBOL_MEANINGS = {
    ".": "Zahlenwert unbekannt oder geheim zu halten (Geheimhaltung kleiner Fallzahlen)",
    "/": "keine Angabe, da der Zahlenwert nicht sicher genug ist",
    ZERO_SYMBOL: "nichts vorhanden (genau null)",
    MISSING_SYMBOL: "Angabe fällt später an oder liegt nicht vor",
    "x": "Tabellenfach gesperrt, weil die Aussage nicht sinnvoll ist (Anteil ohne Fälle im Nenner oder Anteil eines "
         "gering besiedelten Stadtteils)",
    BRACKETS: "Aussagewert ist eingeschränkt, da der Zahlenwert statistisch relativ unsicher ist (kleine Fallzahl)",
}
# the same meanings in the few words a chart or map legend has room for (bars, hatched Stadtteile)
SYMBOL_LABELS = {
    ".": "gesperrt (Geheimhaltung)",
    "/": "nicht sicher genug",
    ZERO_SYMBOL: "nichts vorhanden",
    MISSING_SYMBOL: "keine Angabe",
    SPARSE_SYMBOL: "Aussage nicht sinnvoll (gering besiedelt)",
}


def symbol_label(symbol: str) -> str:
    """A hidden value's symbol with its meaning in a chart or map: '. gesperrt (Geheimhaltung)'. A profile's own
    symbol means gesperrt, as in the Zeichenerklärung."""
    symbol = symbol or MISSING_SYMBOL
    return f"{symbol} {SYMBOL_LABELS.get(symbol, SYMBOL_LABELS['.'])}"


@dataclass(frozen=True)
class Relation:
    """An additive relation between cells: total (+ also) = sum(parts)."""

    total: int  # row index in the frame
    parts: tuple[int, ...]
    also: tuple[int, ...] = ()  # more cells on the total's side: two sums of age groups over the same ages

    @property
    def totals(self) -> tuple[int, ...]:
        return (self.total, *self.also)

    @property
    def cells(self) -> tuple[int, ...]:
        return (*self.totals, *self.parts)


DEFAULT_MIN_POPULATION = 500  # toolkit.toml [geheimhaltung] mindesteinwohner


@dataclass(frozen=True)
class Earlier:
    """What earlier editions made public (read from the publication ledger by indicators/editions.py). A cell is
    named by its key (the values of the frame's KEY columns), a count by the cell's key and its measure (wert, zaehler,
    nenner)."""

    shown: Mapping[tuple, float] = field(default_factory=dict)  # cell -> the value as last published
    withheld: frozenset[tuple] = frozenset()  # cells withheld for secrecy and never published
    hidden: frozenset[tuple] = frozenset()  # counts the disclosure control hid
    where: Mapping[tuple, str] = field(default_factory=dict)  # cell -> the edition that last published it


def protect(values: pd.DataFrame, catalogue: Catalogue, min_population: int = DEFAULT_MIN_POPULATION,
            earlier: Earlier | None = None, min_nationality: int = DEFAULT_MIN_NATIONALITY,
            years: int = DEFAULT_YEARS) -> pd.DataFrame:
    """Apply primary and secondary suppression and rounding; return a copy with the columns

    ``published`` (value to show, NaN if suppressed or missing), ``suppressed`` ('' / 'primär' /
    'sekundär' / 'Quelle' / 'frühere Ausgabe' / 'gering besiedelt' / 'übrige Staatsangehörigkeiten'), ``symbol`` (profile symbol for suppressed cells,
    '–' for a true zero), ``rounded`` (rounding base applied, 0 if none), ``limited`` (True: published, but shown in
    brackets), ``shown`` (the published value as the open data writes it: rounded, NaN if not published), ``hidden``
    (the measures of the cell's counts that disclosure control hid: 'wert', 'zaehler', 'nenner'), ``earlier`` (the value
    an earlier edition published, NaN if none), ``earlier_edition`` (which one) and ``revised`` (True: the value
    differs from the one published earlier).
    """
    earlier = earlier or Earlier()
    frame = values.reset_index(drop=True).copy()
    frame["suppressed"] = ""
    frame["rounded"] = 0
    frame["limited"] = False
    frame["hidden"] = ""
    if frame.empty:
        for column, kind in (("published", float), ("symbol", str), ("shown", float), ("earlier", float),
                             ("earlier_edition", str), ("revised", bool)):
            frame[column] = pd.Series(dtype=kind)
        return frame
    frame["count"] = _case_counts(frame)
    frame["small"] = False
    frame.loc[frame["flag"].astype(str).str.contains(FLAG_WITHHELD, regex=False), "suppressed"] = SOURCE
    keys = list(zip(*(frame[column].to_numpy() for column in KEY), strict=True))
    shown = shown_numbers(frame, catalogue)
    _primary(frame, catalogue)
    fold_small_nationalities(frame, min_nationality, years)
    _secondary(frame, catalogue, earlier, keys, shown)
    if earlier.withheld:
        withheld = np.fromiter((key in earlier.withheld for key in keys), bool, len(keys))
        frame.loc[withheld & (frame["suppressed"] == ""), "suppressed"] = EARLIER
    frame["earlier"] = np.asarray([earlier.shown.get(key, math.nan) for key in keys], dtype=float)
    frame["earlier_edition"] = [earlier.where.get(key, "") for key in keys]
    frame["revised"] = frame["earlier"].notna() & ~((shown - frame["earlier"]).abs() < 1e-9)
    frame["published"] = frame["value"].astype(float)
    _hide_sparse_rates(frame, catalogue, min_population)
    frame.loc[frame["suppressed"] != "", "published"] = np.nan
    _round_counts(frame, catalogue)
    frame["symbol"] = ""
    for indicator_id, rows in frame.groupby("indicator", sort=False).groups.items():
        indicator = catalogue.indicators.get(indicator_id)
        profile = catalogue.profiles.get(indicator.geheimhaltung) if indicator else None
        symbol = profile.symbol if profile else "."
        block = frame.loc[rows]
        frame.loc[block.index[block["suppressed"] != ""], "symbol"] = symbol
    frame.loc[frame["suppressed"] == SPARSE, "symbol"] = SPARSE_SYMBOL
    zero = (frame["suppressed"] == "") & (frame["published"] == 0)
    frame.loc[zero, "symbol"] = ZERO_SYMBOL
    open_missing = (frame["suppressed"] == "") & frame["published"].isna()
    # nothing there: a Stadtteil without inhabitants ("–"); a rate without any case in its Nenner has no value ("x")
    empty = frame["area"].isin({d.area for d in catalogue.districts if d.empty})
    frame.loc[empty & open_missing, "symbol"] = ZERO_SYMBOL
    no_base = (frame["typ"] == IndicatorType.QUOTE) & (frame["nenner"] == 0)
    frame.loc[no_base & open_missing, "symbol"] = NO_BASE_SYMBOL
    _mark_limited(frame, catalogue)
    frame["shown"] = shown.where(frame["published"].notna())
    return frame.drop(columns=["count", "small"])


def _hide_sparse_rates(frame: pd.DataFrame, catalogue: Catalogue, min_population: int) -> None:
    """No rate of its own for a sparsely populated Stadtteil: fewer inhabitants than ``min_population`` (the
    catalogue's Einwohner column) or marked gering besiedelt by hand.

    A share of a Stadtteil with a few hundred inhabitants swings with single persons and would lead every
    ranking. Such Stadtteile are not merged into an "übrige Stadtteile" line: they are not neighbours of
    each other, and a merged line would be a new area no other table of the Amt knows. Their counts stay (with
    the usual suppression), their rates are shown as "x" (Aussage nicht sinnvoll), so they never lead a ranking.
    Applied after secondary suppression: not a confidentiality rule, so it takes no part in it.
    """
    sparse_areas = {d.area for d in catalogue.districts if d.sparse(min_population)}
    sparse = ((frame["typ"] == IndicatorType.QUOTE) & frame["area"].isin(sparse_areas) & (frame["suppressed"] == "")
              & frame["published"].notna())
    frame.loc[sparse, "suppressed"] = SPARSE


def _mark_limited(frame: pd.DataFrame, catalogue: Catalogue) -> None:
    """Published rates from fewer cases in the Nenner than the profile's klammer_unter: limited reliability."""
    limits = {i.id: catalogue.profiles[i.geheimhaltung].klammer_unter or 0
              for i in catalogue.indicators.values() if i.geheimhaltung in catalogue.profiles}
    limit = frame["indicator"].map(limits).fillna(0).astype(float)
    if not (limit > 0).any():
        return
    rates = frame["typ"] == IndicatorType.QUOTE
    cases = frame["nenner"].where(rates).astype(float)
    shown = (frame["suppressed"] == "") & frame["published"].notna() & (frame["published"] != 0)
    frame.loc[shown & (cases > 0) & (cases < limit), "limited"] = True


def _case_counts(frame: pd.DataFrame) -> pd.Series:
    """The count of persons/cases behind a cell: wert for anzahl, zaehler for quote, NaN for wert."""
    typ = frame["typ"]
    counts = pd.Series(np.nan, index=frame.index)
    counts[typ == IndicatorType.ANZAHL] = frame.loc[typ == IndicatorType.ANZAHL, "wert"]
    counts[typ == IndicatorType.QUOTE] = frame.loc[typ == IndicatorType.QUOTE, "zaehler"]
    return counts.astype(float)


def _primary(frame: pd.DataFrame, catalogue: Catalogue) -> None:
    """Counts 1 .. min_fallzahl-1 (``small``: disclosive) and rates on fewer than min_nenner cases (unreliable),
    by the profile of each indicator."""
    profiles = {i.id: catalogue.profiles[i.geheimhaltung] for i in catalogue.indicators.values()
                if i.geheimhaltung in catalogue.profiles}
    min_count = frame["indicator"].map({k: p.min_fallzahl for k, p in profiles.items()}).fillna(0).astype(float)
    min_nenner = frame["indicator"].map({k: p.min_nenner for k, p in profiles.items()}).fillna(0).astype(float)
    counted = frame["typ"].isin((IndicatorType.ANZAHL, IndicatorType.QUOTE))
    small = counted & (frame["count"] > 0) & (frame["count"] < min_count)
    unreliable = (frame["typ"] == IndicatorType.QUOTE) & (frame["nenner"] > 0) & (frame["nenner"] < min_nenner)
    open_cells = frame["suppressed"] == ""
    frame.loc[small & open_cells, "small"] = True
    frame.loc[(small | unreliable) & open_cells, "suppressed"] = PRIMARY


def relations(block: pd.DataFrame, catalogue: Catalogue, column: str = "count") -> list[Relation]:
    """Additive relations between the rows of one indicator (group sum rules, sexes, Stadtteile, age groups, single
    nationalities) on ``column`` (the case count; for rates also the Nenner). A cell the source withheld takes part
    although its value is unknown: it is the one to protect."""
    counts = block[column].to_numpy(dtype=float)
    withheld = (block["suppressed"] == SOURCE).to_numpy() if "suppressed" in block else np.zeros(len(block), bool)
    ages = block["age"].to_numpy() if "age" in block else np.full(len(block), ALL)
    nationalities = block["nationality"].to_numpy() if "nationality" in block else np.full(len(block), ALL)
    keys = zip(block["year"].to_numpy(), block["area"].to_numpy(), block["group"].to_numpy(),
               block["sex"].to_numpy(), ages, nationalities, strict=True)
    index = {key: i for key, i, c, w in zip(keys, block.index, counts, withheld, strict=True) if w or not np.isnan(c)}
    found: list[Relation] = []
    by_cell: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (year, area, group, sex, age, nationality), i in index.items():
        by_cell[(year, area, sex, age, nationality)][group] = i
    group_rules = [r for r in catalogue.sum_rules if r.dimension == "gruppe"]
    for present in by_cell.values():
        for rule in group_rules:
            if rule.gesamt in present and all(p in present for p in rule.teile):
                found.append(Relation(present[rule.gesamt], tuple(present[p] for p in rule.teile)))
    sex_rules = [r for r in catalogue.sum_rules if r.dimension == "geschlecht"]
    sex_totals = {r.gesamt for r in sex_rules}
    districts = [d.area for d in catalogue.districts]
    indicator = catalogue.indicators.get(block["indicator"].iloc[0]) if len(block) else None
    partitions = list(catalogue.partitions(indicator).values()) if indicator is not None else []
    if len(partitions) >= 2:
        found += _age_sums(index, catalogue, partitions)
    for (year, area, group, sex, age, nationality), i in index.items():
        if sex in sex_totals:
            for rule in sex_rules:
                parts = tuple(index[k] for p in rule.teile if (k := (year, area, group, p, age, nationality)) in index)
                if len(parts) >= 2:
                    found.append(Relation(i, parts))
        if area == CITY:
            parts = tuple(index[k] for d in districts if (k := (year, d, group, sex, age, nationality)) in index)
            if len(parts) >= 2:
                found.append(Relation(i, parts))
        if age == ALL:  # all ages = the age groups of each Verwendung, when all of them are there
            for codes in partitions:
                parts = tuple(index[k] for code in codes if (k := (year, area, group, sex, code, nationality)) in index)
                if len(parts) == len(codes) >= 2:
                    found.append(Relation(i, parts))
        if nationality == ALL and indicator is not None and indicator.staatsangehoerigkeiten:
            members = catalogue.members(group)  # a group = its single nationalities, when all of them are there
            parts = tuple(index[k] for code in members if (k := (year, area, NATIONALITY_GROUP, sex, age, code)) in index)
            if len(parts) == len(members) >= 1 and set(members) <= set(catalogue.members(NATIONALITY_GROUP)):
                found.append(Relation(i, parts))
    return found


def _age_sums(index: Mapping[tuple, int], catalogue: Catalogue, partitions: list[tuple[str, ...]]) -> list[Relation]:
    """Sums of age groups of two Verwendungen over the same ages (catalogue.breakdowns.equal_age_sums): 65+ = 65-70 +
    … + 90+. Over all ages only where the value of all ages is not there (else its relations hold it)."""
    groups = catalogue.age_group
    blocks = equal_age_sums([groups[code] for code in codes] for codes in partitions)
    whole = {frozenset(codes) for codes in partitions}
    ages: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (year, area, group, sex, age, nationality), i in index.items():
        if age != ALL:
            ages[(year, area, group, sex, nationality)][age] = i
    found = []
    for (year, area, group, sex, nationality), present in ages.items():
        for one, other in blocks:
            if not all(code in present for code in (*one, *other)):
                continue
            if frozenset(one) in whole and (year, area, group, sex, ALL, nationality) in index:
                continue
            found.append(Relation(present[one[0]], tuple(present[c] for c in other),
                                  tuple(present[c] for c in one[1:])))
    return found


class _Counts:
    """The counts behind the published cells, one per indicator x year x area x group x sex x age group x
    nationality x measure, joined
    into one class where the catalogue says two of them are the same number (sheet Gleiche Zahlen)."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.values: list[float] = []
        self.parent: list[int] = []

    def add(self, key: tuple, value: float) -> int:
        number = self.ids.get(key)
        if number is None:
            number = self.ids[key] = len(self.values)
            self.values.append(value)
            self.parent.append(number)
        return number

    def find(self, number: int) -> int:
        parent = self.parent
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    def join(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)
            if np.isnan(self.values[min(a, b)]):
                self.values[min(a, b)] = self.values[max(a, b)]


def _secondary(frame: pd.DataFrame, catalogue: Catalogue, earlier: Earlier, keys: list[tuple],
               shown: pd.Series) -> None:
    """Secondary suppression as one problem over all published counts (see module docstring).

    Every count behind a cell (the value of a count, Zähler and Nenner of a rate) is a node; counts the catalogue
    declares equal are one node. A node is hidden if a cell shows it as a small count or the source withheld it.
    In every additive relation (parts and total) with exactly one hidden node, or whose hidden nodes are all 1 (their
    sum would give each), another one is hidden – the smallest positive part, the total only if no part is left –
    until no relation is exposed. Then every
    cell that would show a hidden node is suppressed: a count whose node is hidden, a rate whose Zähler is
    hidden or whose Nenner is hidden (a rate and its Zähler give the Nenner back), in every indicator.

    The values of all ages and all nationalities come first: their relations are settled first, exactly as before
    values were broken down by age group and nationality; then the relations that hold a value by age group or
    nationality join, so that they protect those values and change the totals only where a total must be hidden for
    them.

    ``earlier``: counts an earlier edition hid are hidden from the start (their cells: 'frühere Ausgabe'); counts of
    cells it published with the value shown now (``shown``, by the cells' ``keys``) are known and chosen last.
    """
    cells = frame[frame["typ"].isin((IndicatorType.ANZAHL, IndicatorType.QUOTE)) & (frame["indicator"].isin(catalogue.indicators))]
    if cells.empty:
        return
    counts = _Counts()
    count_node: dict[int, int] = {}
    nenner_node: dict[int, int] = {}
    broken_down = (cells["age"] != ALL) | (cells["nationality"] != ALL)
    cells = pd.concat([cells[~broken_down], cells[broken_down]])  # the totals' nodes first (see the docstring)
    breakdown_rows = set(cells.index[broken_down.reindex(cells.index).to_numpy()])
    columns = [cells[c].to_numpy() for c in ("indicator", "year", "area", "group", "sex", "age", "nationality", "typ",
                                             "wert", "zaehler", "nenner")]
    for row, (*key, typ, wert, zaehler, nenner) in zip(cells.index, zip(*columns, strict=True), strict=True):
        if typ == IndicatorType.ANZAHL:
            count_node[row] = counts.add((*key, "wert"), float(wert))
        else:
            count_node[row] = counts.add((*key, "zaehler"), float(zaehler))
            nenner_node[row] = counts.add((*key, "nenner"), float(nenner))
    for key, partner in equal_counts(counts.ids, catalogue):
        counts.join(counts.ids[key], counts.ids[partner])

    hidden: set[int] = set()
    small = cells["small"].to_numpy()
    withheld = (cells["suppressed"] == SOURCE).to_numpy()
    folded = (cells["suppressed"] == FOLDED).to_numpy()  # never shown on its own: protected like a small count
    zaehler_missing = cells["zaehler"].isna().to_numpy()
    nenner_missing = cells["nenner"].isna().to_numpy()
    for row, is_small, is_withheld, z_missing, n_missing, is_folded in zip(
            cells.index, small, withheld, zaehler_missing, nenner_missing, folded, strict=True):
        if is_small or is_folded or (is_withheld and (row not in nenner_node or z_missing)):
            hidden.add(counts.find(count_node[row]))
        if is_folded and row in nenner_node:  # a rate's Nenner: the persons of that nationality
            hidden.add(counts.find(nenner_node[row]))
        if is_withheld and row in nenner_node and n_missing:
            hidden.add(counts.find(nenner_node[row]))
    known = _known(cells.index, earlier, keys, shown, counts, count_node, nenner_node)
    seeded = {counts.find(counts.ids[key]) for key in earlier.hidden if key in counts.ids} - known - hidden
    if not hidden and not seeded:
        return

    found: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()  # among the totals
    joining: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()  # with a value by age group or nationality
    for _indicator, rows in cells.sort_index().groupby("indicator", sort=False).groups.items():
        block = cells.loc[rows]
        for column, nodes in (("count", count_node), ("nenner", nenner_node)):
            if column == "nenner" and block["typ"].iloc[0] != IndicatorType.QUOTE:
                continue
            for relation in relations(block, catalogue, column):
                totals = tuple(sorted({counts.find(nodes[t]) for t in relation.totals}))
                parts = tuple(sorted({counts.find(nodes[p]) for p in relation.parts}))
                (joining if breakdown_rows.intersection(relation.cells) else found).add((totals, parts))
    value = {node: counts.values[node] for relation in (*found, *joining) for node in (*relation[0], *relation[1])}
    # Every choice below depends on the keys of the counts only, never on their numbering: the numbers follow the
    # rows of the frame, which holds every year up to the report year, so an order by number (or a set's order)
    # would make the cells suppressed for 2021 depend on whether the edition is that of 2024 or of 2025.
    name = {number: key for key, number in counts.ids.items() if counts.find(number) == number}
    phases = [sorted(relations_, key=lambda relation: (sorted(name[t] for t in relation[0]),
                                                       sorted(name[p] for p in relation[1])))
              for relations_ in ((found, found | joining) if joining else (found,))]
    for ordered in phases:
        _hide_partners(ordered, hidden, value, known, name)
    # what earlier editions hid and this one would not: hidden too ('frühere Ausgabe'), with partners where needed
    seeded -= hidden
    if seeded:
        hidden |= seeded
        for ordered in phases:
            _hide_partners(ordered, hidden, value, known, name)

    secondary, again = [], []
    open_cells = (cells["suppressed"] == "").to_numpy()
    zaehler = cells["zaehler"].to_numpy(dtype=float)
    for row, is_open, z in zip(cells.index, open_cells, zaehler, strict=True):
        if not is_open:
            continue
        shown_by = [counts.find(count_node[row])]
        if row in nenner_node and z != 0:
            shown_by.append(counts.find(nenner_node[row]))
        secret = [node for node in shown_by if node in hidden]
        if secret:
            (again if all(node in seeded for node in secret) else secondary).append(row)
    frame.loc[secondary, "suppressed"] = SECONDARY
    frame.loc[again, "suppressed"] = EARLIER
    measures = {IndicatorType.ANZAHL: "wert", IndicatorType.QUOTE: "zaehler"}
    for row, typ in zip(cells.index, cells["typ"].to_numpy(), strict=True):
        found = [measure for measure, node in ((measures[typ], count_node.get(row)), ("nenner", nenner_node.get(row)))
                 if node is not None and counts.find(node) in hidden]
        if found:
            frame.at[row, "hidden"] = " ".join(found)


def _hide_partners(relations: list[tuple[tuple[int, ...], tuple[int, ...]]], hidden: set[int],
                   value: dict[int, float], known: set[int], name: dict[int, tuple]) -> None:
    """Hide counts until no relation is exposed (``hidden`` grows): in each exposed relation the smallest positive
    part, a zero or an unknown only if nothing else is left, the total last, a count published earlier only if
    nothing else is left at all; ties by the counts' keys."""
    changed = True
    while changed:
        changed = False
        for totals, parts in relations:
            members = (*totals, *parts)
            if not _exposed(totals, parts, hidden, value):
                continue
            candidates = [m for m in members if m not in hidden]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda m: (m in known, m in totals, not value[m] > 0,
                                                    value[m] if value[m] > 0 else 0, name[m]))
            hidden.add(chosen)
            changed = True


def _known(rows: Iterable[int], earlier: Earlier, keys: list[tuple], shown: pd.Series, counts: _Counts,
           count_node: dict[int, int], nenner_node: dict[int, int]) -> set[int]:
    """The counts an earlier edition published as they are now: the count of a cell it showed with the same value,
    and the Nenner of a rate it showed (rate and Zähler give the Nenner) unless the rate is 0."""
    known: set[int] = set()
    for row in rows if earlier.shown else ():
        last = earlier.shown.get(keys[row])
        if last is None or not abs(shown[row] - last) < 1e-9:
            continue
        known.add(counts.find(count_node[row]))
        if row in nenner_node and last != 0:
            known.add(counts.find(nenner_node[row]))
    return known


def _exposed(totals: tuple[int, ...], parts: tuple[int, ...], hidden: set[int], value: dict[int, float]) -> bool:
    """True if the hidden counts of a relation can be recomputed from the others: exactly one is hidden, or all
    hidden ones are 1 and on one side of the relation (a reader who knows that a hidden count is at least 1 gets 1 for
    each from their sum). The sum of the hidden ones is the reader's where they are all on one side of the relation,
    also when the source withheld them and their values are unknown here (two withheld Stadtteile whose sum the
    Gesamtstadt gives as 2). With hidden ones on both sides the relation gives only their difference: hiding more
    would take a true zero (and tell the reader it is at least 1; 2016 of the demo)."""
    secret = [m for m in (*totals, *parts) if m in hidden]
    if len(secret) == 1:
        return True
    if not secret:
        return False
    one_side = not (any(m in hidden for m in totals) and any(m in hidden for m in parts))
    if one_side and all(value[m] == 1 for m in secret):
        return True
    if not any(math.isnan(value[m]) for m in secret):
        return False
    for side, other in ((parts, totals), (totals, parts)):
        if any(m in hidden for m in other):
            continue
        rest = sum(value[m] for m in other) - sum(value[m] for m in side if m not in hidden)
        if not math.isnan(rest):
            return rest < len(secret) + 0.5
    return False


def equal_counts(keys: Iterable[tuple], catalogue: Catalogue) -> Iterator[tuple[tuple, tuple]]:
    """Pairs of count keys (indicator, year, area, group, sex, age group, nationality, measure), both among ``keys``,
    that the catalogue declares the same number (sheet Gleiche Zahlen: same year, area, sex, age group and
    nationality)."""
    present = set(keys)
    by_measure: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for key in present:
        by_measure[(key[0], key[-1])].append(key)
    for link in catalogue.links:
        for key in by_measure.get((link.indikator, link.messgroesse), ()):
            _indicator, year, area, group, sex, age, nationality, _measure = key
            if link.gruppe and group != link.gruppe:
                continue
            partner = (link.gleich_indikator, year, area, link.gleich_gruppe or group, sex, age, nationality,
                       link.gleich_messgroesse)
            if partner in present:
                yield key, partner


def _bases(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """The rounding base of each row's indicator (0: not rounded)."""
    bases = {i.id: catalogue.profiles[i.geheimhaltung].rundung_basis
             for i in catalogue.indicators.values() if i.geheimhaltung in catalogue.profiles}
    return frame["indicator"].map(bases).fillna(0).astype(int)


def shown_numbers(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Each cell's value as it is published: a count rounded to its profile's base and whole, a rate with one
    decimal, any other value with two (as in the open data). The ledger records it; a revision is measured on it."""
    numbers = []
    for value, kind, step in zip(frame["value"].to_numpy(dtype=float), frame["typ"].to_numpy(),
                                 _bases(frame, catalogue).to_numpy(), strict=True):
        if math.isnan(value):
            numbers.append(value)
        elif kind == IndicatorType.ANZAHL:
            numbers.append(float(round(round(value / step) * step if step else value)))
        else:
            numbers.append(round(value, 1 if kind == IndicatorType.QUOTE else 2))
    return pd.Series(numbers, index=frame.index, dtype=float)


def _round_counts(frame: pd.DataFrame, catalogue: Catalogue) -> None:
    base = _bases(frame, catalogue)
    mask = (frame["typ"] == IndicatorType.ANZAHL) & (base > 0) & frame["published"].notna()
    if mask.any():
        frame.loc[mask, "published"] = (frame.loc[mask, "published"] / base[mask]).round() * base[mask]
        frame.loc[mask, "rounded"] = base[mask]


def rounding_base(indicator: Indicator, catalogue: Catalogue) -> int:
    profile = catalogue.profiles.get(indicator.geheimhaltung)
    return profile.rundung_basis if profile else 0


def symbol_legend(catalogue: Catalogue, min_population: int = DEFAULT_MIN_POPULATION) -> list[tuple[str, str]]:
    """(symbol, meaning) for the Zeichenerklärung: the profiles' symbols plus '–' and '…' (and '( )' when a
    profile brackets values of limited reliability, 'x' when a rate can lack a Nenner or a Stadtteil is sparsely
    populated)."""
    symbols = [p.symbol for p in catalogue.profiles.values()]
    if any(d.sparse(min_population) for d in catalogue.districts) or any(
            i.typ == IndicatorType.QUOTE for i in catalogue.indicators.values()):
        symbols.append(SPARSE_SYMBOL)
    if any(p.klammer_unter for p in catalogue.profiles.values()):
        symbols.append(BRACKETS)
    ordered = [s for s in SYMBOL_MEANINGS if s in symbols or s in (ZERO_SYMBOL, MISSING_SYMBOL)]
    extra = [s for s in dict.fromkeys(symbols) if s not in SYMBOL_MEANINGS]
    return [(s, SYMBOL_MEANINGS[s]) for s in ordered] + [(s, "gesperrt (Geheimhaltung)") for s in extra]
