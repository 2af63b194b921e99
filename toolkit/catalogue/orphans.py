"""Stored values without a home: values the catalogue no longer has a place for.

A catalogue change can leave values in the store that belong to nothing the catalogue knows: a Stadtteil whose key
was changed (Alte Neustadt 04 -> 03) or whose row was deleted, a deleted indicator, a group or sex deleted from the
sheet Merkmale. Or it rules out years: a value of TEI-02 for a year that is none of its Erhebungsjahre, of a group
before its concept exists (Gültig ab). Such values must never vanish from a publication without a word, nor appear
in one under an internal code or for a year that cannot have them. ``find_orphans`` counts them (two reads of the
store), ``orphan_problems`` says what they are in German with the names a user knows, and ``homes`` and
``Catalogue.impossible`` are the one definition of what has a home, used both to count them and to leave them out
of the one protected table (indicators/published.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.catalogue.model import AREA_LABELS, Catalogue, area_key, default_rows, name_key
from toolkit.core.cells import format_number, listed
from toolkit.core.keys import ALL
from toolkit.core.problems import FileReport, Problem, problem
from toolkit.core.store import Store
from toolkit.core.workspace import CATALOGUE_TEMPLATE, Workspace, for_user

# the store's columns that must name something the catalogue knows
DIMENSIONS = ("indicator", "area", "grp", "sex", "age", "nationality")
DIMENSION_NAMES = {"grp": "gruppe", "sex": "geschlecht", "age": "altersgruppe", "nationality": "staatsangehoerigkeit"}


def homes(catalogue: Catalogue) -> dict[str, set[str]]:
    """Per column of the store, the codes that have a home in ``catalogue``."""
    return {
        "indicator": set(catalogue.indicators),
        "area": set(AREA_LABELS) | {d.area for d in catalogue.districts},
        "grp": set(catalogue.groups),
        "sex": set(catalogue.sexes),
        "age": {ALL} | set(catalogue.age_group),
        "nationality": {ALL} | set(catalogue.nationality),
    }


@dataclass(frozen=True)
class Orphans:
    """Stored values without a home, counted by the first thing the catalogue does not know (in DIMENSIONS order:
    a value of a deleted indicator in a deleted Stadtteil counts once, for the indicator)."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (column, code) -> number of values
    # values with a home but in a year the catalogue rules out: (indicator, group, year) -> number of values
    years: dict[tuple[str, str, int], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + sum(self.years.values())

    def __bool__(self) -> bool:
        return bool(self.counts) or bool(self.years)


def find_orphans(store: Store, catalogue: Catalogue) -> Orphans:
    """Count the stored values without a home in ``catalogue``: unknown codes, then years it rules out."""
    known = homes(catalogue)
    restricted = [i.id for i in catalogue.indicators.values() if i.erhebungsjahre]
    late = [g.code for g in catalogue.groups.values() if g.gueltig_ab is not None]
    years = {found: count for found, count in store.values_by_year(known, restricted, late).items()
             if catalogue.impossible(found[0], found[2], found[1])}
    return Orphans(store.values_outside(known), years)


def orphan_problems(orphans: Orphans, catalogue: Catalogue) -> list[Problem]:
    """One German Fehler per thing the catalogue no longer knows, naming it as a user knows it (the Stadtteil's
    name and the Amt's key, the indicator's Kennung, the group's label) and how to give the values their home back."""
    default = default_rows()
    district_names = {r.values["schluessel"]: r.values["name"] for r in default["Stadtteile"]}
    current = {name_key(d.name): d.schluessel for d in catalogue.districts}
    labels = {(r.values["dimension"], r.values["code"]): r.values["bezeichnung"] for r in default["Merkmale"]}
    labels |= {("altersgruppe", r.values["code"]): r.values["bezeichnung"] for r in default["Altersgruppen"]}
    labels |= {("staatsangehoerigkeit", r.values["schluessel"]): r.values["bezeichnung"]
               for r in default["Staatsangehörigkeiten"]}
    found = []
    for (column, code), count in orphans.counts.items():
        values = count_phrase(count)
        if column == "indicator":
            found.append(problem("verwaiste-werte", "kennzahl", file=CATALOGUE_TEMPLATE, sheet="Indikatoren",
                                 indicator=code, found=code, values=values))
        elif column == "area":
            key = area_key(code)
            name = district_names.get(key, "")
            variant = "stadtteil" if name else "schluessel"
            if name and current.get(name_key(name)):
                variant = "umgeschluesselt"
            found.append(problem("verwaiste-werte", variant, file=CATALOGUE_TEMPLATE, sheet="Stadtteile", found=key,
                                 values=values, name=name, key=key, new_key=current.get(name_key(name), "")))
        else:
            dimension = DIMENSION_NAMES[column]
            label = labels.get((dimension, code), code)
            sheet = {"altersgruppe": "Altersgruppen", "staatsangehoerigkeit": "Staatsangehörigkeiten"}.get(dimension,
                                                                                                          "Merkmale")
            found.append(problem("verwaiste-werte", dimension, file=CATALOGUE_TEMPLATE, sheet=sheet, found=code,
                                 values=values, label=label))
    return found + year_problems(orphans, catalogue)


def year_problems(orphans: Orphans, catalogue: Catalogue) -> list[Problem]:
    """One Fehler per indicator and year the catalogue rules out (all its groups together), then one per group and
    year before the group exists."""
    by_year: dict[tuple[str, int], int] = {}
    groups = []
    for (indicator, group, year), count in orphans.years.items():
        if catalogue.impossible(indicator, year, group) == "jahr":
            by_year[(indicator, year)] = by_year.get((indicator, year), 0) + count
            continue
        characteristic = catalogue.groups[group]
        groups.append(problem("wert-ohne-erhebung", "gespeichert-gruppe", file=CATALOGUE_TEMPLATE, sheet="Merkmale",
                              indicator=indicator, found=str(year), values=count_phrase(count), year=year,
                              label=characteristic.bezeichnung, since=characteristic.gueltig_ab))
    years = []
    for (indicator, year), count in by_year.items():
        allowed = listed([str(y) for y in catalogue.indicators[indicator].erhebungsjahre])
        years.append(problem("wert-ohne-erhebung", "gespeichert-jahr", file=CATALOGUE_TEMPLATE, sheet="Indikatoren",
                             indicator=indicator, found=str(year), expected=allowed, values=count_phrase(count),
                             year=year, years=allowed))
    return years + groups

def count_phrase(count: int, singular: str = "gehört", plural: str = "gehören") -> str:
    """'1 gespeicherter Wert gehört' / '562 gespeicherte Werte gehören' (German agreement)."""
    if count == 1:
        return f"1 gespeicherter Wert {singular}"
    return f"{format_number(count)} gespeicherte Werte {plural}"


def catalogue_report(workspace: Workspace, catalogue: Catalogue) -> FileReport | None:
    """The catalogue's report for 'toolkit check': its Warnungen about content (working notes in public columns,
    catalogue/wording.py) and its Fehler for stored values without a home; None if there is neither. Reads the store
    only (if there is one)."""
    problems = list(catalogue.warnings)
    if workspace.store_file.is_file():
        with Store.read_only(workspace.store_file) as store:
            problems += orphan_problems(find_orphans(store, catalogue), catalogue)
    return FileReport(for_user(workspace.catalogue_file), "Katalog", None, "", problems) if problems else None
