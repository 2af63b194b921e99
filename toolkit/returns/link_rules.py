"""The rule of a returned workbook for counts the catalogue declares a sum of another indicator's age groups.

The sheet Gleiche Zahlen of the catalogue can say that a count of all ages is the sum of another indicator's counts
in some age groups (column gleich_alter): DEM-05's Zähler, the Minderjährigen of a group, is DEM-01 in the age groups
under 7 and 7 to under 18. The two must not disagree: a returned value that does is a Fehler naming both. The parts
come from the same workbook (DEM-01's age sheet, the Gesamtstadt) or, where it has none, from the store (the age groups
per Stadtteil imported from the Amt für Statistik's tables). Without all parts there is nothing to compare.

Disclosure control and the audit take the same declaration as an additive relation (confidentiality.summed_counts).
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.catalogue.model import Catalogue, Link
from toolkit.collect.layout import MEASURE_LABELS
from toolkit.core.cells import format_number
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.problems import Problem, problem


def check_links(rw, inputs, catalogue: Catalogue, view, unreadable) -> Iterator[Problem]:
    """Each count declared the sum of another indicator's age groups against that sum (within its rounding)."""
    for link in (link for link in catalogue.links if link.gleich_alter and link.gleich_indikator in catalogue.indicators):
        partner = catalogue.indicators[link.gleich_indikator]
        profile = catalogue.profiles.get(partner.geheimhaltung)
        base = profile.rundung_basis if profile else 0
        for key, reading in inputs.items():
            if (key.indicator != link.indikator or key.measure != link.messgroesse or key.age != ALL
                    or (link.gruppe and key.group != link.gruppe) or reading.value is None):
                continue
            parts = [_value(key, link, code, inputs, view) for code in link.gleich_alter]
            if any(part is None for part, _source in parts):
                continue
            total = sum(part for part, _source in parts)
            tolerance = base / 2 * (len(parts) + 1)
            if abs(total - reading.value) <= tolerance + 1e-6:
                continue
            from_store = any(source for _part, source in parts)
            yield problem("gleiche-zahl-abweichend", file=rw.file, sheet=reading.slot.sheet, cell=reading.slot.cell,
                          indicator=key.indicator, found=format_number(reading.value), expected=format_number(total),
                          measure=MEASURE_LABELS[key.measure], group=catalogue.label("gruppe", key.group),
                          partner=partner.id, ages=catalogue.labels("altersgruppe", link.gleich_alter),
                          source="aus dem Datenbestand" if from_store else "in diesem Bogen",
                          tolerance=f", Toleranz {format_number(tolerance)} wegen Rundung" if base else "")


def _value(key: ObservationKey, link: Link, code: str, inputs, view) -> tuple[float | None, bool]:
    """The partner's count in age group ``code``: from this workbook, else from the store (then True)."""
    partner = ObservationKey(link.gleich_indikator, key.year, key.area, link.gleich_gruppe or key.group, key.sex,
                             link.gleich_messgroesse, code, key.nationality)
    reading = inputs.get(partner)
    if reading is not None:
        return reading.value, False
    stored = view.values.get(partner)
    return (stored.value if stored is not None else None), True
