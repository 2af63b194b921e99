"""The sheet Gleiche Zahlen of the catalogue: counts published twice (or as a sum of another indicator's age groups),
and the check of its rows against the indicators they name."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.catalogue.breakdowns import AgeGroup
from toolkit.catalogue.rows import RawRow, RowChecker
from toolkit.catalogue.sheets import LINKS


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
