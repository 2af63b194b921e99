"""Property: values written into a generated collection workbook come back equal through the return reader."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbook_edit import generate, set_cells

from toolkit.collect.layout import plan_workbook
from toolkit.returns.caches import PlanCache
from toolkit.returns.reader import read_return, readings_of

OFFICE, YEAR = "JUGA", 2025

numbers = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=2**53),
    st.integers(min_value=-10**6, max_value=-1),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False).map(float),
)
plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\ufffe\uffff"),
    max_size=40)
german = st.sampled_from(["Schätzung des Jugendamts", "Größenordnung übernommen", "Änderung ab 2024 – Zählweise",
                          "Straße/Weg: äöüß ÄÖÜ", ""])
notes = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(["", "=", "+", "-", "@", "=HYPERLINK(\"http://x\",\"a\")", "'"]), german, plain_text)
    .map("".join),
)

counter = itertools.count()


@pytest.fixture(scope="module")
def blank(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("roundtrip")
    plan = plan_workbook(catalogue, OFFICE, YEAR)
    return folder, generate(folder / "blank.xlsx", catalogue, OFFICE, YEAR), plan


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(numbers, min_size=8, max_size=8), texts=st.lists(notes, min_size=3, max_size=3),
       history=numbers)
def test_written_values_are_read_back_equal(blank, catalogue, values, texts, history):
    folder, source, plan = blank
    inputs = [s for s in plan.slots if s.role == "input"]
    chosen = [inputs[0], inputs[1], inputs[5], inputs[11], inputs[17], inputs[18], inputs[-1], inputs[-40]]
    note_slots = [s for s in plan.slots if s.role == "note"][:3]
    history_slot = next(s for s in plan.slots if s.role == "history")
    cells = {(s.sheet, s.cell): v for s, v in zip(chosen, values, strict=True)}
    cells |= {(s.sheet, s.cell): t for s, t in zip(note_slots, texts, strict=True)}
    cells[(history_slot.sheet, history_slot.cell)] = history
    path = set_cells(source, folder / f"r{next(counter)}.xlsx", cells)

    returned = read_return(path, catalogue)

    assert returned.readable, returned.problems
    readings = {r.slot: r for r in readings_of(returned, PlanCache(catalogue)).readings}
    for slot, value in zip(chosen, values, strict=True):
        assert readings[slot].value == value
    for slot, text in zip(note_slots, texts, strict=True):
        assert readings[slot].text == (text or "").strip()
    assert readings[history_slot].value == history
    assert not [p for p in returned.problems if p.code in ("keine-zahl", "formel", "layout-geaendert")]


@pytest.fixture(scope="module")
def blank_by_age(tmp_path_factory, catalogue):
    """The workbook of the Amt für Statistik: DEM-01 by age group (sheet Alter DEM-01), DEM-04 by nationality."""
    folder = tmp_path_factory.mktemp("roundtrip_alter")
    plan = plan_workbook(catalogue, "STAT", YEAR)
    assert [b.name for b in plan.breakdown_sheets] == ["Alter DEM-01", "Staatsangehörigkeit DEM-04"]
    return folder, generate(folder / "blank.xlsx", catalogue, "STAT", YEAR), plan


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(numbers, min_size=6, max_size=6))
def test_values_by_age_group_and_nationality_are_read_back_equal(blank_by_age, catalogue, values):
    folder, source, plan = blank_by_age
    chosen = []
    for sheet in plan.breakdown_sheets:
        inputs = [s for s in plan.slots if s.sheet == sheet.name]
        chosen += [inputs[0], inputs[len(inputs) // 2], inputs[-1]]
    path = set_cells(source, folder / f"a{next(counter)}.xlsx",
                     {(s.sheet, s.cell): v for s, v in zip(chosen, values, strict=True)})

    returned = read_return(path, catalogue)

    assert returned.readable, returned.problems
    readings = {r.slot.key: r for r in readings_of(returned, PlanCache(catalogue)).readings if r.slot.role == "input"}
    for slot, value in zip(chosen, values, strict=True):
        assert readings[slot.key].value == value
        assert (slot.key.age != "alle") != (slot.key.nationality != "alle")  # exactly one breakdown per cell
    assert not [p for p in returned.problems if p.code in ("keine-zahl", "formel", "layout-geaendert")]
