"""The sheet Gleiche Zahlen of the catalogue: counts published twice (or as a sum of another indicator's age groups),
and the check of its rows against the indicators they name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from toolkit.catalogue.breakdowns import AgeGroup
from toolkit.catalogue.rows import RawRow, RowChecker
from toolkit.catalogue.sheets import LINKS
from toolkit.core.keys import ALL


@dataclass(frozen=True)
class Link:
    """The same count published twice: ``messgroesse`` of ``indikator`` (in ``gruppe``, or every group if empty)
    equals ``gleich_messgroesse`` of ``gleich_indikator`` (in ``gleich_gruppe``, or the same group if empty),
    for the same year, area and sex. Disclosure control treats both as one cell (catalogue sheet Gleiche Zahlen).

    With ``gleich_alter`` the count (of all ages) equals the sum of the partner's counts in those age groups: DEM-05's
    Zähler (Minderjährige) is DEM-01 in the age groups under 7 and 7 to under 18. Disclosure control takes it as an
    additive relation, and the checks of a returned workbook compare the two (returns/link_rules.py)."""

    indikator: str
    messgroesse: str
    gleich_indikator: str
    gleich_messgroesse: str
    gruppe: str = ""
    gleich_gruppe: str = ""
    gleich_alter: tuple[str, ...] = ()
    hinweis: str = ""



def check_links(check: RowChecker, link_pairs: list[tuple[Link, RawRow]], by_id: dict, age_pairs: list[tuple[AgeGroup, RawRow]]) -> None:
    """Each link's measures and groups exist for the indicators it names; its age groups are the partner's."""
    for link, raw in link_pairs:
        for key, ind_key, group_key in (("messgroesse", "indikator", "gruppe"),
                                        ("gleich_messgroesse", "gleich_indikator", "gleich_gruppe")):
            indicator = by_id.get(getattr(link, ind_key))
            if indicator is None:
                continue  # reported above as an unknown code
            if getattr(link, key) not in indicator.measures:
                check.add(LINKS, raw, key, f"{indicator.id} hat die Messgröße „{getattr(link, key)}“ nicht; erlaubt: "
                                           f"{', '.join(indicator.measures)}")
            group = getattr(link, group_key)
            if group and group not in indicator.gruppen:
                check.add(LINKS, raw, group_key, f"{indicator.id} wird nicht für die Gruppe „{group}“ erhoben; erlaubt: "
                                                 f"{', '.join(indicator.gruppen)}")
            if ind_key == "gleich_indikator" and link.gleich_alter:
                allowed = [a.code for a, _ in age_pairs if set(a.verwendung) & set(indicator.altersgruppen)]
                unknown = [code for code in link.gleich_alter if code not in allowed]
                if unknown:
                    check.add(LINKS, raw, "gleich_alter", f"{indicator.id} wird nicht nach der Altersgruppe "
                                                          f"„{unknown[0]}“ erhoben; erlaubt: {', '.join(allowed) or 'keine'}")


def summed_counts(keys: Iterable[tuple], links: Iterable[Link]) -> Iterator[tuple[tuple, tuple[tuple, ...]]]:
    """(count key, the keys of its parts), all among ``keys``, where the catalogue declares a count of all ages the
    sum of another indicator's counts by age group (sheet Gleiche Zahlen, column gleich_alter: DEM-05's Zähler =
    DEM-01 under 7 + 7 to under 18): an additive relation across indicators."""
    present = set(keys)
    for link in links:
        if not link.gleich_alter:
            continue
        for key in present:
            indicator, year, area, group, sex, age, nationality, measure = key
            if indicator != link.indikator or measure != link.messgroesse or age != ALL or (
                    link.gruppe and group != link.gruppe):
                continue
            parts = tuple((link.gleich_indikator, year, area, link.gleich_gruppe or group, sex, code, nationality,
                           link.gleich_messgroesse) for code in link.gleich_alter)
            if all(part in present for part in parts):
                yield key, parts
