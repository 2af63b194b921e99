"""Simulated returns for ``toolkit demo``: clerks open the workbook they received, type, save, send back.

Each clerk opens the generated collection workbook with openpyxl (as Excel would), types the report-year
values into exactly the input cells of the layout (collect/layout.py: plan_workbook), marks a few values as
"vorläufig", writes a remark here and there and saves the file under a new name into inbox/ (as if it
came back by e-mail). One office makes typical mistakes; one office does not answer at all.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.collect.layout import FLAG_NO_VALUE, Slot, WorkbookPlan, plan_workbook
from toolkit.core.keys import ObservationKey

FAULTY_OFFICE = "FB40"  # returns a workbook with mistakes (text in a number cell, Zähler > Nenner)
SILENT_OFFICE = "ORD"  # does not return its workbook
NO_VALUE_OFFICE = "DEZSOZ"  # answers one value with "kein Wert verfügbar"
PRELIMINARY_NOTES = (
    "Stand Abzug vom 15.01.; endgültige Zahl folgt im Mai.",
    "Vorläufiger Wert aus dem Fachverfahren.",
    "Wert noch nicht mit der Landesstatistik abgestimmt.",
)
REMARKS = (
    "Neue Abgrenzung im Fachverfahren seit März, Werte vergleichbar.",
    "Nachmeldungen aus Dezember berücksichtigt.",
    "Zählung nach Wohnort.",
)
TEXT_INSTEAD_OF_NUMBER = "k.A."


@dataclass
class ClerkReturn:
    office: str
    path: Path
    mistakes: list[str]  # what the clerk got wrong, in German (for the demo summary)


def return_name(office: str, year: int) -> str:
    """The file name under which the return arrives (some clerks rename the file)."""
    if office in ("GESA", "JC"):
        return f"Erhebung_{year}_{office}_ausgefuellt.xlsx"
    return f"Erhebung_{year}_{office}.xlsx"


def fill_workbook(source: Path, target: Path, plan: WorkbookPlan, values: Mapping[ObservationKey, float],
                  rng: random.Random, *, faulty: bool = False, no_value: bool = False) -> list[str]:
    """Type the values into the input cells of ``source`` and save as ``target``; return the mistakes made."""
    from openpyxl import load_workbook  # heavy: only for the demo's clerks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it keeps but does not model
        workbook = load_workbook(source)
    inputs = plan.input_slots()
    flags = {s.key: s for s in plan.slots if s.role == "flag"}
    notes = {s.key: s for s in plan.slots if s.role == "note"}
    for slot in inputs:
        value = values.get(slot.key)
        _cell(workbook, slot).value = None if value is None else (int(value) if slot.kind == "count" else value)
    city_inputs = [s for s in inputs if s.key in flags]
    for slot in rng.sample(city_inputs, k=max(1, len(city_inputs) // 25)):
        _cell(workbook, flags[slot.key]).value = "vorläufig"
        _cell(workbook, notes[slot.key]).value = rng.choice(PRELIMINARY_NOTES)
    if len(city_inputs) > 6:
        slot = rng.choice(city_inputs)
        if not _cell(workbook, notes[slot.key]).value:
            _cell(workbook, notes[slot.key]).value = rng.choice(REMARKS)
    mistakes: list[str] = []
    if no_value:
        slot = city_inputs[-1]
        _cell(workbook, slot).value = None
        _cell(workbook, flags[slot.key]).value = FLAG_NO_VALUE
        _cell(workbook, notes[slot.key]).value = "Die Geschäftsstelle war im Berichtsjahr unbesetzt."
    if faulty:
        mistakes = _make_mistakes(workbook, city_inputs, values)
    workbook.save(target)
    workbook.close()
    return mistakes


def _make_mistakes(workbook, city_inputs: list[Slot], values: Mapping[ObservationKey, float]) -> list[str]:
    """Text in a number cell, and a Zähler greater than its Nenner."""
    mistakes = []
    text_slot = city_inputs[len(city_inputs) // 3]
    _cell(workbook, text_slot).value = TEXT_INSTEAD_OF_NUMBER
    mistakes.append(f"„{TEXT_INSTEAD_OF_NUMBER}“ in {text_slot.address} ({text_slot.key.indicator})")
    by_key = {s.key: s for s in city_inputs}
    for slot in reversed(city_inputs):
        if slot.key.measure != "zaehler" or slot is text_slot:
            continue
        nenner_key = slot.key._replace(measure="nenner")
        if nenner_key in by_key and by_key[nenner_key] is not text_slot and values.get(nenner_key):
            wrong = int(values[nenner_key]) + 17
            _cell(workbook, slot).value = wrong
            mistakes.append(f"Zähler {wrong} größer als der Nenner in {slot.address} ({slot.key.indicator})")
            break
    return mistakes


def _cell(workbook, slot: Slot):  # openpyxl objects
    return workbook[slot.sheet].cell(row=slot.row + 1, column=slot.col + 1)


def simulate_returns(catalogue: Catalogue, workbooks: Mapping[str, Path], inbox: Path, year: int,
                     values: Mapping[ObservationKey, float], progress, seed: int = 2025) -> list[ClerkReturn]:
    """Every office except SILENT_OFFICE fills its workbook and sends it back into ``inbox``."""
    inbox.mkdir(parents=True, exist_ok=True)
    returns: list[ClerkReturn] = []
    offices = [code for code in workbooks if code != SILENT_OFFICE]
    for code in progress.track(offices, "Bögen werden ausgefüllt"):
        plan = plan_workbook(catalogue, code, year)
        target = inbox / return_name(code, year)
        mistakes = fill_workbook(workbooks[code], target, plan, values, random.Random(f"{seed}|{code}"),
                                 faulty=code == FAULTY_OFFICE, no_value=code == NO_VALUE_OFFICE)
        returns.append(ClerkReturn(code, target, mistakes))
    return returns
