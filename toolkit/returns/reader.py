"""Read a returned collection workbook into its identity, the values of its cells and reading problems.

No judgement here: this module says what the file *contains* (office, year, layout, the number or text
in every planned cell) and what could not be read as intended (not a number, a German number typed as
text, a formula, a changed layout). Whether a value is plausible is decided by the rules (returns/rules.py).

The identity on the hidden sheet "Kennung" names office and year; the reader takes the plan of that office
and year from a PlanCache (``collect.layout.plan_workbook``, made once) and reads exactly the planned cells
with python-calamine. Before that the raw bytes pass the guards of safety.py.

A read return has one form, in one process as in a worker (workers.py): identity, problems and the cells
as plain lists by slot (SlotCells). The plan is never part of it; ``readings_of`` pairs the cells with the
plan again where Reading objects are needed (the rules, duplicates across files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.collect.layout import (
    COL_CODE_GROUP,
    COL_CODE_MEASURE,
    COL_CODE_SEX,
    COL_INPUT,
    COL_KENNUNG,
    FLAGS,
    SHEET_ENTRY,
    SHEET_META,
    BreakdownColumn,
    BreakdownSheet,
    DistrictColumn,
    DistrictSheet,
    Slot,
    WorkbookPlan,
)
from toolkit.core.cells import cell_name, cell_position, format_number, german_date, parse_number_text
from toolkit.core.keys import ObservationKey
from toolkit.core.problems import Problem, problem
from toolkit.returns.caches import PlanCache
from toolkit.returns.identity import (
    Identity,
    cell_text,
    homeless_cells,
    identity_from_properties,
    identity_from_rows,
    plan_of,
)
from toolkit.returns.safety import Refused, SafeFile, inspect_file

MAX_LAYOUT_PROBLEMS = 5


@dataclass
class SlotCells:
    """What the planned cells of a returned workbook hold: THE form of a read return, in one process as from a worker.

    Plain data in the order of the plan's slots, cheap to send between processes (no plan, no Slot or Reading
    objects; the plan is rebuilt from catalogue and identity through a PlanCache when it is needed):
    ``values[i]`` is the number in slot i (None: empty, a text or not a number), ``texts`` the text of each flag or
    note slot that holds one, ``formulas`` the slots that hold a formula. ``delivered`` and ``history`` are the
    rows a merge stores, made by the reader from the same cells (see ReturnedWorkbook.delivered).
    """

    values: list[float | None]
    texts: dict[int, str]
    formulas: frozenset[int]
    delivered: list[tuple]
    history: list[tuple]


@dataclass
class ReturnedWorkbook:
    path: Path
    sha256: str = ""
    kind: str = ""
    identity: Identity | None = None
    problems: list[Problem] = field(default_factory=list)
    sheet_rows: dict[str, list[list[object]]] = field(default_factory=dict, repr=False)
    cells: SlotCells | None = field(default=None, repr=False)  # None: identity or layout did not fit

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def readable(self) -> bool:
        """True if the values could be read cell by cell (identity and layout fit)."""
        return self.cells is not None

    @property
    def office(self) -> str:
        return self.identity.office if self.identity else ""

    @property
    def year(self) -> int | None:
        return self.identity.year if self.identity else None

    def delivered(self) -> list[tuple]:
        """(indicator, year, area, group, sex, measure, value, flag, note) of every input cell with a value or a
        Kennzeichen: what a merge stores for the report year."""
        return self.cells.delivered if self.cells is not None else []

    def history_values(self) -> list[tuple]:
        """(indicator, year, area, group, sex, measure, value) of every filled cell of an earlier year."""
        return self.cells.history if self.cells is not None else []


@dataclass(slots=True)
class Reading:
    """The content of one planned cell: a number (input/history) or a text (flag/note)."""
    slot: Slot
    value: float | None = None
    text: str = ""
    formula: bool = False


@dataclass(eq=False)
class Readings:
    """The cells of one return as Reading objects with their plan: what the rules read (made by ``readings_of``)."""

    file: str
    office: str
    plan: WorkbookPlan
    readings: list[Reading]
    _roles: dict[str, dict[ObservationKey, Reading]] = field(default_factory=dict, repr=False)

    def by_role(self, role: str) -> dict[ObservationKey, Reading]:
        """The readings of one role (input, history, flag, note) by observation key; computed once."""
        if not self._roles and self.readings:
            roles = self._roles
            for reading in self.readings:
                roles.setdefault(reading.slot.role, {})[reading.slot.key] = reading
        return self._roles.get(role, {})


def readings_of(returned: ReturnedWorkbook, plans: PlanCache) -> Readings | None:
    """The one way to Reading objects: the plan of the return's identity (from ``plans``) paired with its cells.

    None if the return could not be read cell by cell.
    """
    cells, identity = returned.cells, returned.identity
    if cells is None or identity is None or identity.year is None:
        return None
    plan = plans.plan(identity.office, identity.year, identity.fingerprint)
    texts, formulas = cells.texts, cells.formulas
    if texts or formulas:
        readings = [Reading(slot, value, texts.get(i, ""), i in formulas)
                    for i, (slot, value) in enumerate(zip(plan.slots, cells.values, strict=True))]
    else:
        readings = [Reading(slot, value) for slot, value in zip(plan.slots, cells.values, strict=True)]
    return Readings(returned.file, identity.office, plan, readings)


def normalise_flag(text: str) -> str:
    """The catalogue spelling of a Kennzeichen typed with other case or spacing; else the text itself."""
    folded = " ".join(text.split()).casefold()
    for flag in FLAGS:
        if flag.casefold() == folded:
            return flag
    return " ".join(text.split())


def read_return(path: Path, catalogue: Catalogue, data: bytes | None = None,
                plans: PlanCache | None = None) -> ReturnedWorkbook:
    """Read ``path`` (or its already loaded bytes) into a ReturnedWorkbook; never raises for a bad file.

    ``plans``: the PlanCache of ``catalogue`` to take the office's plan from (a new one if not given).
    """
    if plans is None:
        plans = PlanCache(catalogue)
    elif plans.catalogue is not catalogue:
        raise ValueError("read_return: the PlanCache belongs to another catalogue")
    result = ReturnedWorkbook(path)
    try:
        if data is None:
            data = path.read_bytes()
    except OSError as exc:
        result.problems.append(problem("nicht-lesbar", file=path.name, reason=exc))
        return result
    result.sha256 = hashlib.sha256(data).hexdigest()
    try:
        safe = inspect_file(path, data)
    except Refused as refused:
        result.problems.append(refused.problem)
        return result
    result.kind = safe.kind
    try:
        _read_workbook(result, safe, plans)
    except Refused as refused:
        result.problems.append(refused.problem)
    except Exception as exc:  # a hostile or broken file must give an answer, not a traceback
        result.problems.append(_unreadable(path.name, exc))
    return result


def _unreadable(name: str, exc: Exception) -> Problem:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    if "password" in text.lower() or type(exc).__name__ == "PasswordError":
        return problem("verschluesselt", file=name)
    return problem("nicht-lesbar", "tabelle", file=name, reason=text)


def _read_workbook(result: ReturnedWorkbook, safe: SafeFile, plans: PlanCache) -> None:
    from python_calamine import CalamineWorkbook  # heavy: the Rust reader only when a return is read

    name = result.file
    book = CalamineWorkbook.from_filelike(io.BytesIO(safe.data))
    try:
        if SHEET_META in book.sheet_names:
            identity = identity_from_rows(book.get_sheet_by_name(SHEET_META).to_python(skip_empty_area=False))
        else:
            identity = identity_from_properties(safe)
            if identity is None:
                result.problems.append(problem("kein-erhebungsbogen", file=name, meta_sheet=SHEET_META))
                return
            result.problems.append(problem("kennung-aus-eigenschaften", file=name, meta_sheet=SHEET_META))
        if identity is None:
            result.problems.append(problem("kein-erhebungsbogen", "kennung", file=name, sheet=SHEET_META, cell="A1"))
            return
        result.identity = identity
        plan, found = plan_of(identity, plans, name)
        result.problems.extend(found)
        if plan is None:
            return
        sheets = plan.sheets
        missing = [s for s in sheets if s not in book.sheet_names]
        if missing:
            result.problems.append(problem("layout-geaendert", "blatt", file=name, sheet=missing[0]))
            return
        for sheet in sheets:
            result.sheet_rows[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        book.close()
    if _verify_rows(result, plan):
        formulas = {sheet: {cell_position(cell) for cell in safe.formula_cells.get(safe.sheet_parts.get(sheet, ""), ())}
                    for sheet in result.sheet_rows}
        result.cells = _read_slots(result, plan, formulas)
        if safe.formulas_known:
            _typed_over_formulas(result, plan, formulas)
        if plan.fingerprint != plans.plan(identity.office, plan.year).fingerprint:  # read by an earlier layout
            result.problems.extend(homeless_cells(identity, plan, result.cells.values, plans, name))


def cell_value(rows: list[list[object]], row: int, col: int) -> object:
    if row < len(rows):
        cells = rows[row]
        if col < len(cells):
            return cells[col]
    return ""


def _verify_rows(result: ReturnedWorkbook, plan: WorkbookPlan) -> bool:
    """Column A (Kennung) and the hidden code columns of every row must be as planned."""
    name = result.file
    found: list[Problem] = []
    rows = result.sheet_rows[SHEET_ENTRY]
    for entry in plan.entry_rows:
        expected = ((COL_KENNUNG, entry.indicator.id), (COL_CODE_GROUP, entry.group), (COL_CODE_SEX, entry.sex),
                    (COL_CODE_MEASURE, entry.measure))
        for col, want in expected:
            have = cell_text(cell_value(rows, entry.row, col))
            if have != want:
                cell = cell_name(entry.row, col)
                found.append(problem("layout-geaendert", "zeile", file=name, sheet=SHEET_ENTRY, cell=cell,
                                     indicator=entry.indicator.id, found=have, expected=want))
                break
        if len(found) >= MAX_LAYOUT_PROBLEMS:
            break
    for district in plan.district_sheets:
        rows = result.sheet_rows[district.name]
        for row, key, _label in district.district_rows:
            have = cell_text(cell_value(rows, row, 0))
            if have.removesuffix(".0").zfill(2) != key:  # "04" as text; 4 if a program turned it into a number
                found.append(problem("layout-geaendert", "stadtteil", file=name, sheet=district.name, cell=f"A{row + 1}",
                                     indicator=district.indicator.id, found=have, expected=key))
                break
    for breakdown in plan.breakdown_sheets:
        rows = result.sheet_rows[breakdown.name]
        for row, code, _label in breakdown.rows:
            have = cell_text(cell_value(rows, row, 0))
            if have != code and not (breakdown.dimension == "staatsangehoerigkeit" and have.zfill(3) == code):
                found.append(problem("layout-geaendert", breakdown.dimension, file=name, sheet=breakdown.name,
                                     cell=f"A{row + 1}", indicator=breakdown.indicator.id, found=have, expected=code))
                break
    result.problems.extend(found)
    return not found


def _read_slots(result: ReturnedWorkbook, plan: WorkbookPlan, formulas: dict[str, set[tuple[int, int]]],
                ) -> SlotCells:
    values: list[float | None] = []
    texts: dict[int, str] = {}
    formula_slots: set[int] = set()
    any_formula = any(formulas.values())
    sheet_rows = result.sheet_rows
    append = values.append
    for slot in plan.slots:  # ~8,000 cells per file: the common case (a number, no formula) stays short
        row, col = slot.row, slot.col
        cells = sheet_rows[slot.sheet]
        raw = cells[row][col] if row < len(cells) and col < len(cells[row]) else ""
        is_formula = any_formula and (row, col) in formulas[slot.sheet]
        if is_formula:
            formula_slots.add(len(values))
        if slot.role in ("flag", "note"):
            text = _note_text(raw)
            if text:
                texts[len(values)] = text
            append(None)
            continue
        if raw.__class__ is float and not is_formula:
            append(raw)
            continue
        value = _number(result, slot, raw)
        if is_formula:
            result.problems.append(problem("formel", file=result.file, sheet=slot.sheet, cell=slot.cell,
                                           indicator=slot.key.indicator, found="Formel", expected="Zahl",
                                           result=_show(raw)))
        append(value)
    delivered, history = _rows_to_store(plan, values, texts)
    return SlotCells(values, texts, frozenset(formula_slots), delivered, history)


def _rows_to_store(plan: WorkbookPlan, values: list[float | None], texts: dict[int, str],
                   ) -> tuple[list[tuple], list[tuple]]:
    """What a merge stores: (key..., value, flag, note) of every input slot with a value or a Kennzeichen, in slot
    order, and (key..., value) of every filled slot of an earlier year."""
    slots = plan.slots
    flags: dict[ObservationKey, str] = {}
    notes: dict[ObservationKey, str] = {}
    for i, text in texts.items():
        slot = slots[i]
        if slot.role == "flag":
            flags[slot.key] = normalise_flag(text)
        else:
            notes[slot.key] = text
    delivered: list[tuple] = []
    history: list[tuple] = []
    for slot, value in zip(slots, values, strict=True):
        role = slot.role
        if role == "input":
            flag = flags.get(slot.key, "") if flags else ""
            if value is None and not flag:
                continue
            delivered.append((*slot.key, value, flag, notes.get(slot.key, "") if notes else ""))
        elif role == "history" and value is not None:
            history.append((*slot.key, value))
    return delivered, history


def _typed_over_formulas(result: ReturnedWorkbook, plan: WorkbookPlan,
                         formulas: dict[str, set[tuple[int, int]]]) -> None:
    """A value typed over the computed Gesamtstadt or sum row of a Stadtteil sheet: not read, but reported.

    These cells hold formulas; the clerk who overwrote one probably meant the number, so the Warnung names
    the cell of Erfassung where the Gesamtstadt value belongs.
    """
    for district in plan.district_sheets:
        rows, cells = result.sheet_rows[district.name], formulas.get(district.name, set())
        for row, label in ((district.city_row, "Gesamtstadt (aus Blatt Erfassung)"),
                           (district.sum_row, "Summe der Stadtteile (berechnet)")):
            for column in district.columns:
                raw = cell_value(rows, row, column.col)
                if raw is None or raw == "" or (row, column.col) in cells:
                    continue
                result.problems.append(_typed_over(result.file, plan, district, row, column, label, raw))
    for breakdown in plan.breakdown_sheets:
        rows, cells = result.sheet_rows[breakdown.name], formulas.get(breakdown.name, set())
        computed = [(row, label) for row, label, _rows in breakdown.sums]
        for row, label in (*computed, (breakdown.total_row, "Insgesamt (aus Blatt Erfassung)")):
            for column in breakdown.columns:
                raw = cell_value(rows, row, column.col)
                if raw is None or raw == "" or (row, column.col) in cells:
                    continue
                result.problems.append(_typed_over(result.file, plan, breakdown, row, column, label, raw))


def _typed_over(name: str, plan: WorkbookPlan, district: DistrictSheet | BreakdownSheet, row: int,
                column: DistrictColumn | BreakdownColumn, label: str, raw: object) -> Problem:
    cell = cell_name(row, column.col)
    indicator = district.indicator.id
    entry = plan.entry_row_of(ObservationKey(indicator, plan.year, "gesamtstadt", column.group,
                                             getattr(column, "sex", "insgesamt"), column.measure))
    target = f"{SHEET_ENTRY}!{cell_name(entry.row, COL_INPUT)}" if entry is not None else ""
    what = (f"Den Gesamtstadtwert bitte in {target} eintragen; diese Zeile zeigt ihn dann an." if target else
            "Die Gesamtstadt wird für diese Spalte nicht erhoben.")
    if isinstance(district, DistrictSheet) and row == district.sum_row:
        what = f"Die Summe wird aus den Stadtteilwerten berechnet. {what}"
    elif isinstance(district, BreakdownSheet) and row != district.total_row:
        what = f"Die Summe wird aus den Werten darüber berechnet. {what}"
    return problem("eingabe-in-formelzeile", file=name, sheet=district.name, cell=cell, indicator=indicator,
                   found=_show(raw), expected=f"Wert in {target}" if target else "leer", label=label, what=what)


def _number(result: ReturnedWorkbook, slot: Slot, raw: object) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return _not_a_number(result, slot, raw)
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, dt.date | dt.time | dt.timedelta):
        return _not_a_number(result, slot, raw)
    text = str(raw).strip()
    if not text:
        return None
    number = parse_number_text(text)
    if number is None:
        return _not_a_number(result, slot, raw)
    if slot.kind == "decimal" and _THOUSANDS_OR_DECIMAL.match(text):
        other = float(text)
        result.problems.append(problem("zahl-mehrdeutig", file=result.file, sheet=slot.sheet, cell=slot.cell,
                                       indicator=slot.key.indicator, found=text,
                                       expected=f"{_show(number)} oder {_show(other)}", number=_show(number),
                                       other=_show(other)))
        return number
    how = " (Punkt als Dezimaltrennzeichen)" if "." in text and "," not in text and not number.is_integer() else ""
    result.problems.append(problem("deutsches-zahlformat", file=result.file, sheet=slot.sheet, cell=slot.cell,
                                   indicator=slot.key.indicator, found=text, expected=_show(number), how=how))
    return number


# "1.234" or "-12.500": a German thousands separator, or an English decimal point with three decimals
_THOUSANDS_OR_DECIMAL = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def _not_a_number(result: ReturnedWorkbook, slot: Slot, raw: object) -> None:
    result.problems.append(problem("keine-zahl", file=result.file, sheet=slot.sheet, cell=slot.cell,
                                   indicator=slot.key.indicator, found=_show(raw), expected="Zahl"))
    return None


def _note_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        return _show(raw)
    return str(raw).strip()


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, int | float):
        return format_number(float(value), None if float(value).is_integer() else 6).rstrip("0").rstrip(",") \
            if not float(value).is_integer() else format_number(float(value))
    if isinstance(value, dt.date):
        return german_date(value, with_time=True)
    return str(value)[:200]
