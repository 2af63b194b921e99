"""The value rules of a returned workbook: each takes the read values and yields Problems.

Every rule has the same signature ``rule(rw, inputs, catalogue, view, unreadable)``: the cells of the read
workbook as Reading objects with their plan (reader.Readings), its input readings by observation key, the
catalogue, a read-only StoreView and the cells that were not a number. checks.py runs them in order (RULES); imports.py runs a subset on imported rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from toolkit.catalogue.model import CITY, NATIONALITY_GROUP, Catalogue, Indicator, IndicatorType
from toolkit.collect.layout import EMPTY_FLAGS, FLAGS
from toolkit.core.cells import count_of, format_number, listed
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.problems import Problem, problem
from toolkit.core.store import DeliverySource, StoredValue
from toolkit.returns.link_rules import check_links
from toolkit.returns.reader import Reading, Readings, ReturnedWorkbook, normalise_flag

SMALL_CHANGE = 10  # counts that move by less than this are never a "jump", whatever the percentage


@dataclass
class StoreView:
    """What the checks need from the store, read once (read-only)."""

    values: dict[ObservationKey, StoredValue] = field(default_factory=dict)
    delivery_of: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id -> office, file, source
    round_tokens: dict[tuple[int, str], str] = field(default_factory=dict)
    merged: set[tuple[str, str, int]] = field(default_factory=set)  # (sha256, office, year)
    # the layouts workbooks were distributed with: (office, year, fingerprint) -> kept catalogue part ('' = a round
    # of an earlier version, whose part was not kept); see collect/layout_history.py
    layouts: dict[tuple[str, int, str], str] = field(default_factory=dict)

    @property
    def round_years(self) -> set[int]:
        return {year for year, _office in self.round_tokens}


def _problem(rw: Readings | ReturnedWorkbook, code: str, reading: Reading, found: str = "", expected: str = "",
             variant: str = "", **details: object) -> Problem:
    """The Problem of ``code`` at the cell of ``reading`` (see core/problems.py for its message)."""
    slot = reading.slot
    return problem(code, variant, file=rw.file, sheet=slot.sheet, cell=slot.cell, indicator=slot.key.indicator,
                   found=found, expected=expected, **details)


def _n(value: float | None) -> str:
    return "leer" if value is None else format_number(value, None if float(value).is_integer() else 2)


def check_identity(rw: ReturnedWorkbook, view: StoreView) -> Iterator[Problem]:
    """Year and office against the rounds that were distributed (when the store knows any)."""
    if rw.identity is None or rw.year is None:
        return
    this_year = dt.date.today().year
    if rw.year > this_year:
        yield problem("falsches-jahr", "zukunft", file=rw.file, sheet="Kennung", cell="B3", found=str(rw.year),
                      expected=f"höchstens {this_year}")
        return
    if not view.round_tokens:
        return
    if rw.year not in view.round_years:
        years = ", ".join(str(y) for y in sorted(view.round_years))
        yield problem("falsches-jahr", file=rw.file, sheet="Kennung", cell="B3", found=str(rw.year), expected=years)
        return
    token = view.round_tokens.get((rw.year, rw.office))
    if token is None:
        yield problem("falsche-dienststelle", file=rw.file, sheet="Kennung", cell="B2", found=rw.office, year=rw.year)
    elif rw.identity.token and token != rw.identity.token:
        yield problem("andere-runde", file=rw.file, sheet="Kennung", cell="B5", found=rw.identity.token,
                      expected=token, year=rw.year)


def _indicators(rw: Readings) -> dict[str, Indicator]:
    return {i.id: i for i in rw.plan.indicators}


def check_counts(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """Whole, non-negative counts; min/max of values that are not rates."""
    indicators = _indicators(rw)
    for key, reading in inputs.items():
        value = reading.value
        if value is None:
            continue
        indicator = indicators[key.indicator]
        if reading.slot.kind == "count":
            if value < 0:
                yield _problem(rw, "negativer-wert", reading, _n(value), "0 oder mehr")
                continue
            if not value.is_integer():
                yield _problem(rw, "keine-ganze-zahl", reading, _n(value), "ganze Zahl")
        if indicator.typ != IndicatorType.QUOTE:
            yield from _bounds(rw, reading, indicator, value)


def _bounds(rw: Readings, reading: Reading, indicator: Indicator, value: float,
            what: str = "") -> Iterator[Problem]:
    low, high = indicator.min_wert, indicator.max_wert
    if (low is not None and value < low) or (high is not None and value > high):
        limits = f"{_n(low) if low is not None else '–'} bis {_n(high) if high is not None else '–'}"
        yield _problem(rw, "ausserhalb-grenzen", reading, _n(value), limits, what=what or "der Wert")


def _rate_pairs(inputs: dict[ObservationKey, Reading]) -> Iterator[tuple[Reading, Reading]]:
    for key, reading in inputs.items():
        if key.measure == "zaehler":  # the key made by its fields: NamedTuple._replace is three times slower
            other = inputs.get(ObservationKey(key.indicator, key.year, key.area, key.group, key.sex, "nenner", key.age,
                                              key.nationality))
            if other is not None:
                yield reading, other


def check_rates(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """Zähler <= Nenner (unless the indicator allows rates over 100 %), Nenner > 0, the rate within min/max."""
    indicators = _indicators(rw)
    for num, den in _rate_pairs(inputs):
        if num.value is None or den.value is None or num.value < 0 or den.value < 0:
            continue
        indicator = indicators[num.slot.key.indicator]
        if den.value == 0:
            if num.value > 0:
                yield _problem(rw, "nenner-null", den, "0", "größer als 0", zaehler_cell=num.slot.cell,
                               zaehler=_n(num.value))
            continue
        if num.value > den.value and not indicator.allows_over_100:
            yield _problem(rw, "zaehler-groesser-nenner", num, _n(num.value), f"höchstens {_n(den.value)}",
                           nenner=_n(den.value), nenner_cell=den.slot.cell)
            continue
        rate = num.value / den.value * indicator.faktor
        yield from _bounds(rw, num, indicator, rate, "der Anteil")


def check_sums(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """Parts against the whole by the catalogue's Summenregeln (counts only), within the rounding tolerance; the age
    groups of each Verwendung against all ages, and single nationalities against the groups they belong to."""
    indicators = _indicators(rw)
    # per indicator: (year, area, group, sex, measure, age, nationality) -> reading; plain tuples hash faster than keys
    by_indicator: dict[str, dict[tuple, Reading]] = defaultdict(dict)
    for key, reading in inputs.items():
        by_indicator[key.indicator][key[1:]] = reading
    for indicator in indicators.values():
        if not indicator.is_count or indicator.id not in by_indicator:
            continue
        base = _rounding_base(catalogue, indicator)
        for rule in catalogue.sum_rules:
            dimension_codes = indicator.gruppen if rule.dimension == "gruppe" else ("insgesamt", "weiblich",
                                                                                    "maennlich")
            if rule.dimension == "geschlecht" and not indicator.geschlecht:
                continue
            if rule.gesamt not in dimension_codes:
                continue
            parts = [p for p in rule.teile if p in dimension_codes]
            if not parts:
                continue
            complete = len(parts) == len(rule.teile)
            yield from _sum_rule(rw, by_indicator[indicator.id], indicator, rule.dimension, rule.gesamt, parts,
                                 complete, base, catalogue)
        yield from _age_sums(rw, by_indicator[indicator.id], indicator, base, catalogue)
        yield from _nationality_sums(rw, by_indicator[indicator.id], indicator, base, catalogue)


def _sum_rule(rw, cells, indicator, dimension, whole_code, parts, complete, base,
              catalogue) -> Iterator[Problem]:
    """``cells``: the indicator's readings by (year, area, group, sex, measure, age, nationality); the message names
    groups and sexes by their German labels."""
    by_group = dimension == "gruppe"
    for (year, area, group, sex, measure, age, nationality), whole in cells.items():
        if (group if by_group else sex) != whole_code or (not by_group and group not in indicator.gruppen):
            continue
        if whole.value is None:
            continue
        if by_group:
            readings = [cells.get((year, area, part, sex, measure, age, nationality)) for part in parts]
        else:
            readings = [cells.get((year, area, group, part, measure, age, nationality)) for part in parts]
        found = _parts_against_whole(readings, whole, complete, base)
        if found is not None:
            total, relation, tolerance = found
            yield _problem(rw, "summe-teile", whole, _n(total), f"{relation} {_n(whole.value)}",
                           parts=catalogue.labels(dimension, parts), whole=catalogue.label(dimension, whole_code),
                           value=_n(whole.value), relation=relation, tolerance=tolerance)


def _parts_against_whole(readings: list[Reading | None], whole: Reading, complete: bool,
                         base: int) -> tuple[float, str, str] | None:
    """(sum of the parts, relation, tolerance text) if the parts do not fit the whole: equal to it when ``complete``
    and every part has a value, else at most the whole, within the rounding tolerance; None if they fit or no part
    has a value."""
    values = [r.value for r in readings if r is not None and r.value is not None]
    if not values or whole.value is None:
        return None
    total = sum(values)
    tolerance = base / 2 * (len(values) + 1) + 1e-6
    all_there = complete and len(values) == len(readings)
    if (all_there and abs(total - whole.value) > tolerance) or (not all_there and total > whole.value + tolerance):
        return total, "=" if all_there else "≤", f", Toleranz {_n(tolerance)} wegen Rundung" if base else ""
    return None


def _whole_label(catalogue: Catalogue, group: str, sex: str) -> str:
    sex_text = "" if sex == "insgesamt" else f", {catalogue.label('geschlecht', sex)}"
    return f"{catalogue.label('gruppe', group)}{sex_text}"


def _age_sums(rw, cells, indicator, base, catalogue) -> Iterator[Problem]:
    """The age groups of each Verwendung the indicator is collected by add up to the value of all ages."""
    partitions = catalogue.partitions(indicator)
    if not partitions:
        return
    for (year, area, group, sex, measure, age, nationality), whole in cells.items():
        if age != ALL or whole.value is None:
            continue
        for use, codes in partitions.items():
            readings = [cells.get((year, area, group, sex, measure, code, nationality)) for code in codes]
            found = _parts_against_whole(readings, whole, True, base)
            if found is not None:
                total, relation, tolerance = found
                yield _problem(rw, "summe-altersgruppen", whole, _n(total), f"{relation} {_n(whole.value)}", use=use,
                               whole=_whole_label(catalogue, group, sex), value=_n(whole.value), relation=relation,
                               tolerance=tolerance)


def _nationality_sums(rw, cells, indicator, base, catalogue) -> Iterator[Problem]:
    """Single nationalities (counted within the group nichtdeutsch) add up to nichtdeutsch and to each group they
    belong to (EU, Drittstaaten, …): equal when every nationality of the group has a value, else at most."""
    if not indicator.staatsangehoerigkeiten:
        return
    for (year, area, group, sex, measure, age, nationality), whole in cells.items():
        if nationality != ALL or whole.value is None or group not in indicator.gruppen:
            continue
        members = catalogue.members(group)
        if group != NATIONALITY_GROUP and not set(members) <= set(catalogue.members(NATIONALITY_GROUP)):
            continue  # deutsch, insgesamt, … : not made of single non-German nationalities
        readings = [cells.get((year, area, NATIONALITY_GROUP, sex, measure, age, code)) for code in members]
        found = _parts_against_whole(readings, whole, True, base)
        if found is not None:
            total, relation, tolerance = found
            count = count_of(sum(1 for r in readings if r is not None and r.value is not None), "Staatsangehörigkeit")
            yield _problem(rw, "summe-staatsangehoerigkeiten", whole, _n(total), f"{relation} {_n(whole.value)}",
                           count=count, whole=_whole_label(catalogue, group, sex), value=_n(whole.value),
                           relation=relation, tolerance=tolerance)


def _rounding_base(catalogue: Catalogue, indicator: Indicator) -> int:
    profile = catalogue.profiles.get(indicator.geheimhaltung)
    return profile.rundung_basis if profile else 0


def check_districts(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """The Stadtteile of a district sheet add up to the Gesamtstadt value on the Erfassung sheet."""
    columns: dict[tuple[str, str, str], list[Reading]] = defaultdict(list)
    for key, reading in inputs.items():
        if key.area != CITY:
            columns[(reading.slot.sheet, key.group, key.measure)].append(reading)
    for sheet in rw.plan.district_sheets:
        base = _rounding_base(catalogue, sheet.indicator)
        for column in sheet.columns:
            city = inputs.get(ObservationKey(sheet.indicator.id, rw.plan.year, CITY, column.group, "insgesamt",
                                             column.measure))
            if city is None or city.value is None:
                continue
            cells = columns[(sheet.name, column.group, column.measure)]
            values = [r.value for r in cells if r.value is not None]
            if not values:
                continue
            total = sum(values)
            tolerance = base / 2 * (len(values) + 1) + 1e-6
            if (len(values) == len(cells) and abs(total - city.value) > tolerance) or total > city.value + tolerance:
                first = cells[0]
                yield _problem(rw, "summe-stadtteile", first, _n(total), _n(city.value), city_cell=city.slot.address)


def check_previous_year(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """A change against the previous year above the indicator's max_aenderung_prozent is a Warnung."""
    indicators = _indicators(rw)
    history = rw.by_role("history")
    for key, reading in inputs.items():
        indicator = indicators[key.indicator]
        limit = indicator.max_aenderung_prozent
        if limit is None or reading.value is None:
            continue
        before_key = ObservationKey(key.indicator, key.year - 1, key.area, key.group, key.sex, key.measure, key.age,
                                    key.nationality)
        before = history.get(before_key)
        old = before.value if before is not None and before.value is not None else None
        if old is None:
            stored = view.values.get(before_key)
            old = stored.value if stored is not None else None
        if not old or old < 0:
            continue
        change = (reading.value - old) / abs(old) * 100
        if abs(change) > limit and not (indicator.is_count and abs(reading.value - old) < SMALL_CHANGE):
            yield _problem(rw, "sprung-zum-vorjahr", reading, _n(reading.value), f"{_n(old)} ± {_n(limit)} %",
                           old=_n(old), change=f"{'+' if change > 0 else ''}{format_number(change, 1)}", limit=_n(limit))


def check_years(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """A value for a year the indicator cannot have is a Fehler (by today's catalogue): outside its Erhebungsjahre
    (TEI-02 only in the years of a Stadtrat election) or in a group before its concept exists (Einwanderungsgeschichte
    before 2021). Every value cell counts, the grey cells of earlier years too (a value there would be taken as a
    correction)."""
    if not any(i.erhebungsjahre for i in catalogue.indicators.values()) and \
            not any(g.gueltig_ab for g in catalogue.groups.values()):
        return
    impossible: dict[tuple[str, int, str], str] = {}  # the answer per indicator, year and group, not per cell
    for reading in rw.readings:
        if reading.value is None or reading.slot.role not in ("input", "history"):
            continue
        key = reading.slot.key
        why = impossible.get((key.indicator, key.year, key.group))
        if why is None:
            why = impossible[key.indicator, key.year, key.group] = catalogue.impossible(key.indicator, key.year,
                                                                                         key.group)
        if why == "jahr":
            indicator = catalogue.indicators[key.indicator]
            years = listed([str(y) for y in indicator.erhebungsjahre])
            yield _problem(rw, "wert-ohne-erhebung", reading, _n(reading.value), years, "jahr", year=key.year,
                           years=years, periodicity=indicator.periodizitaet or "–")
        elif why == "gruppe":
            group = catalogue.groups[key.group]
            yield _problem(rw, "wert-ohne-erhebung", reading, _n(reading.value), f"ab {group.gueltig_ab}", "gruppe",
                           year=key.year, label=group.bezeichnung, since=group.gueltig_ab)


def check_missing(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """An empty input cell is a Warnung unless flagged 'kein Wert verfügbar' or 'gesperrt (Quelle)'; an entirely
    empty sheet a Fehler."""
    flags = rw.by_role("flag")
    by_sheet: dict[str, list[Reading]] = defaultdict(list)
    for reading in inputs.values():
        by_sheet[reading.slot.sheet].append(reading)
    for sheet, readings in by_sheet.items():
        filled = any(r.value is not None for r in readings) or \
            any((r.slot.sheet, r.slot.cell) in unreadable for r in readings)
        if not filled and not any(_flag_of(flags, r) in EMPTY_FLAGS for r in readings):
            yield problem("leeres-blatt", file=rw.file, sheet=sheet, cell=readings[0].slot.cell,
                          expected="ausgefüllte Eingabezellen")
            continue
        for reading in readings:
            if reading.value is None and (reading.slot.sheet, reading.slot.cell) not in unreadable \
                    and _flag_of(flags, reading) not in EMPTY_FLAGS:
                yield _problem(rw, "fehlender-wert", reading, "leer", "Zahl")


def _flag_of(flags: dict[ObservationKey, Reading], reading: Reading) -> str:
    flag = flags.get(reading.slot.key)
    return normalise_flag(flag.text) if flag is not None else ""


def check_history(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """A pre-filled earlier year that the office changed (or filled in) becomes a correction: Hinweis."""
    for key, reading in rw.by_role("history").items():
        stored = view.values.get(key)
        old = stored.value if stored is not None else None
        if reading.value is None or reading.value == old:
            continue
        change = f"von {_n(old)} auf {_n(reading.value)} geändert" if old is not None else \
            f"mit {_n(reading.value)} nachgetragen"
        yield _problem(rw, "vorjahr-geaendert", reading, _n(reading.value), _n(old), year=key.year, change=change)


def check_flags_and_notes(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    for reading in rw.readings:
        role = reading.slot.role
        if role == "flag" and reading.text and normalise_flag(reading.text) not in FLAGS:
            yield _problem(rw, "unbekanntes-kennzeichen", reading, reading.text[:80], ", ".join(FLAGS))
        elif role == "note" and reading.text:
            yield _problem(rw, "bemerkung", reading, reading.text[:300])


def check_store_duplicates(rw, inputs, catalogue, view, unreadable) -> Iterator[Problem]:
    """A value of the report year that another office already delivered (store) is a Fehler."""
    reported: set[str] = set()
    for key, reading in inputs.items():
        stored = view.values.get(key)
        if reading.value is None or stored is None or key.indicator in reported:
            continue
        office, file_name, source = view.delivery_of.get(stored.delivery_id, ("", "", ""))
        if source == DeliverySource.RETURN and office and office != rw.office:
            reported.add(key.indicator)
            yield _problem(rw, "doppelte-lieferung", reading, rw.office, office, "gespeichert", year=key.year,
                           other_file=file_name)


RULES = (check_counts, check_rates, check_sums, check_links, check_districts, check_years, check_previous_year,
         check_missing, check_history, check_flags_and_notes, check_store_duplicates)
