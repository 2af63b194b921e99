"""Age groups and nationalities in the catalogue: the sheets Altersgruppen and Staatsangehörigkeiten as domain objects,
and the checks that keep them usable as breakdowns of a value.

- Altersgruppen: each group from ``von`` up to below ``bis`` years (empty: open), used in one or more Verwendungen
  ("Pyramide": 5-year groups; "Lebensphasen": the five groups of the Amt's Stadtteil tables; "Indikatoren": the
  coarse groups of indicators). The groups of a Verwendung cover every age exactly once, from 0 to an open group,
  so that they add up to all ages.
- Staatsangehörigkeiten: the three-digit key of the Statistisches Bundesamt's Staats- und Gebietssystematik
  (XRepository code list urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit, version
  2021-02-19: 000 Deutschland, 475 Syrien, …), the German name, the groups of the sheet Merkmale the nationality
  belongs to (nichtdeutsch; eu or drittstaaten; asylherkunft, ukraine or sonstige_drittstaaten), consistent with the
  sheet Summenregeln, and whether collection workbooks ask for it one by one.
- An indicator names the Verwendungen it is collected by (column Altersgruppen), the groups collected by age
  (Gruppen nach Alter, empty: all) and whether it is collected by single nationality (within the group
  nichtdeutsch).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from toolkit.catalogue.rows import RowChecker
from toolkit.catalogue.sheets import AGE_GROUPS, INDICATORS, NATIONALITIES, RawRow
from toolkit.core.keys import ALL


class Breakdowns(Protocol):
    """What the checks read of an indicator (catalogue.model.Indicator)."""

    id: str
    gruppen: tuple[str, ...]
    altersgruppen: tuple[str, ...]
    alter_gruppen: tuple[str, ...]
    staatsangehoerigkeiten: bool


class Rule(Protocol):
    """What the checks read of a sum rule (catalogue.model.SumRule)."""

    dimension: str
    gesamt: str
    teile: tuple[str, ...]


@dataclass(frozen=True)
class AgeGroup:
    """An age group: from ``von`` years up to below ``bis`` (None: open, "65 und älter"), used in ``verwendung``
    (each Verwendung's groups cover every age once: "Pyramide", "Lebensphasen", …)."""

    code: str
    bezeichnung: str
    von: int
    bis: int | None
    verwendung: tuple[str, ...]
    hinweis: str = ""

    def holds(self, low: int, high: int | None) -> bool:
        """Whether the ages from ``low`` up to below ``high`` (None: open) lie in this group."""
        if low < self.von:
            return False
        if self.bis is None:
            return True
        return high is not None and high <= self.bis


def equal_age_sums(partitions: Iterable[Sequence[AgeGroup]]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Sums of age groups of two Verwendungen that are the same number because they cover the same ages: between two
    limits both Verwendungen have (0, 45, 65 and open for the 5-year groups of the Pyramide and the Lebensphasen),
    e.g. 65+ = 65-70 + 70-75 + … + 90+, and 0-7 + 7-18 + 18-45 = 0-5 + … + 40-45. ``partitions``: the groups of each
    Verwendung (each covers every age once). The coarser side comes first; the whole range (both sums are all ages)
    is included; a block that is the same group on both sides is not."""
    def limits(groups: Sequence[AgeGroup]) -> set[float]:
        return {float(g.von) for g in groups} | {math.inf}

    def inside(groups: Sequence[AgeGroup], low: float, high: float) -> tuple[str, ...]:
        return tuple(g.code for g in sorted(groups, key=lambda g: g.von) if low <= g.von < high)

    found: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    partitions = [tuple(groups) for groups in partitions if groups]
    for number, first in enumerate(partitions):
        for second in partitions[number + 1:]:
            common = sorted(limits(first) & limits(second))
            for low, high in zip(common, common[1:], strict=False):
                one, other = inside(first, low, high), inside(second, low, high)
                if set(one) == set(other):
                    continue
                found.append((one, other) if len(one) <= len(other) else (other, one))
    return found


@dataclass(frozen=True)
class Nationality:
    """A nationality by the Staatsangehörigkeitsschlüssel of the Statistisches Bundesamt ("475" = Syrien), the groups
    of the sheet Merkmale it belongs to, and whether collection workbooks ask for it one by one."""

    schluessel: str
    bezeichnung: str
    gruppen: tuple[str, ...] = ()
    einzeln: bool = False
    hinweis: str = ""


NATIONALITY_GROUP = "nichtdeutsch"  # single nationalities are counted within this group (sheet Merkmale)
AGE_LABEL = "Alle Altersgruppen"
NATIONALITY_LABEL = "Alle Staatsangehörigkeiten"


def check_indicator_breakdowns(check: RowChecker, indicator: Breakdowns, raw: RawRow, uses: set[str]) -> None:
    """The columns Altersgruppen, Gruppen nach Alter and Staatsangehörigkeiten of one indicator."""
    for use in indicator.altersgruppen:
        if use not in uses:
            check.add(INDICATORS, raw, "altersgruppen", f"die Verwendung „{use}“ gibt es im Blatt Altersgruppen nicht; "
                                                        f"erlaubt: {', '.join(sorted(uses)) or 'keine (das Blatt ist leer)'}")
    for group in indicator.alter_gruppen:
        if group not in indicator.gruppen:
            check.add(INDICATORS, raw, "alter_gruppen", f"die Gruppe „{group}“ gehört nicht zu den Gruppen von "
                                                        f"{indicator.id} ({', '.join(indicator.gruppen)})")
    if indicator.alter_gruppen and not indicator.altersgruppen:
        check.add(INDICATORS, raw, "alter_gruppen", "Gruppen nach Alter gibt es nur mit einer Verwendung in der Spalte "
                                                    "„Altersgruppen“ (z. B. Pyramide)")
    if indicator.staatsangehoerigkeiten and NATIONALITY_GROUP not in indicator.gruppen:
        check.add(INDICATORS, raw, "staatsangehoerigkeiten",
                  f"einzelne Staatsangehörigkeiten werden innerhalb der Gruppe „{NATIONALITY_GROUP}“ erhoben; bitte "
                  "diese Gruppe in der Spalte „Gruppen“ ergänzen")


def _span(group: AgeGroup) -> str:
    return f"„{group.bezeichnung}“ ({group.von} bis {'unter ' + str(group.bis) if group.bis is not None else 'offen'})"


def check_age_groups(check: RowChecker, pairs: list[tuple[AgeGroup, RawRow]]) -> tuple[AgeGroup, ...]:
    """Every age group has sensible bounds, and the groups of each Verwendung cover every age exactly once: from 0,
    without gap or overlap, the last one open ("65 und älter")."""
    for group, raw in pairs:
        if group.code == ALL:
            check.add(AGE_GROUPS, raw, "code", f"der Code „{ALL}“ steht für alle Altersgruppen zusammen und ist "
                                               "vergeben; bitte einen anderen wählen")
        if group.von < 0:
            check.add(AGE_GROUPS, raw, "von", "ein Alter ist nie negativ")
        if group.bis is not None and group.bis <= group.von:
            check.add(AGE_GROUPS, raw, "bis", f"„bis unter“ ({group.bis}) muss größer sein als „von“ ({group.von}); "
                                              "leer lassen für eine nach oben offene Gruppe")
    uses = dict.fromkeys(use for group, _raw in pairs for use in group.verwendung)
    for use in uses:
        members = sorted(((g, r) for g, r in pairs if use in g.verwendung), key=lambda pair: pair[0].von)
        first, first_raw = members[0]
        if first.von != 0:
            check.add(AGE_GROUPS, first_raw, "von", f"die Altersgruppen der Verwendung „{use}“ beginnen erst bei "
                                                    f"{first.von} Jahren; sie müssen zusammen jedes Alter ab 0 erfassen")
        for (before, _), (group, raw) in zip(members, members[1:], strict=False):
            if before.bis is None:
                check.add(AGE_GROUPS, raw, "von", f"in der Verwendung „{use}“ ist {_span(before)} nach oben offen; "
                                                  f"{_span(group)} überschneidet sich damit")
            elif group.von > before.bis:
                check.add(AGE_GROUPS, raw, "von", f"in der Verwendung „{use}“ fehlt das Alter von {before.bis} bis "
                                                  f"unter {group.von} zwischen {_span(before)} und {_span(group)}")
            elif group.von < before.bis:
                check.add(AGE_GROUPS, raw, "von", f"in der Verwendung „{use}“ überschneiden sich {_span(before)} und "
                                                  f"{_span(group)}")
        last, last_raw = members[-1]
        if last.bis is not None:
            check.add(AGE_GROUPS, last_raw, "bis", f"die älteste Altersgruppe der Verwendung „{use}“ endet bei "
                                                   f"{last.bis} Jahren; sie muss nach oben offen sein (leer lassen)")
    return tuple(group for group, _raw in pairs)


def check_nationalities(check: RowChecker, pairs: list[tuple[Nationality, RawRow]], groups: set[str],
                        rules: list[Rule]) -> None:
    """The groups of each nationality exist in the sheet Merkmale and fit its Summenregeln: a nationality that belongs
    to the whole of a rule whose parts the sheet uses (Insgesamt: every nationality) belongs to exactly one part."""
    used = {group for n, _raw in pairs for group in n.gruppen}
    for nationality, raw in pairs:
        for group in nationality.gruppen:
            if group not in groups:
                check.add(NATIONALITIES, raw, "gruppen", f"die Gruppe „{group}“ ist unbekannt; erlaubt sind die "
                                                         "Gruppen-Codes aus dem Blatt Merkmale")
    for rule in rules:
        if rule.dimension != "gruppe" or not used.intersection(rule.teile):
            continue
        for nationality, raw in pairs:
            if rule.gesamt != "insgesamt" and rule.gesamt not in nationality.gruppen:
                continue
            found = [part for part in rule.teile if part in nationality.gruppen]
            if len(found) != 1:
                how = "keiner" if not found else f"mehreren ({', '.join(found)})"
                check.add(NATIONALITIES, raw, "gruppen",
                          f"„{nationality.bezeichnung}“ gehört zur Gruppe „{rule.gesamt}“, aber zu {how} ihrer Teile "
                          f"{', '.join(rule.teile)} (Blatt Summenregeln); bitte genau einen davon eintragen")
