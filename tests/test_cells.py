"""core/cells.py: the one cell-address parser (A1 <-> row, column) and the one German date formatter."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.core.cells import cell_name, cell_position, column_index, column_letter, german_date


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"),
                                                (52, "BA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
def test_column_letters_and_back(index, letters):
    assert column_letter(index) == letters
    assert column_index(letters) == index
    assert column_index(letters.lower()) == index


@pytest.mark.parametrize(("cell", "position"), [("A1", (0, 0)), ("K12", (11, 10)), ("Z5", (4, 25)),
                                                ("AA1", (0, 26)), ("AZ100", (99, 51)), ("ZZ7", (6, 701)),
                                                ("XFD1048576", (1048575, 16383))])
def test_cell_address_and_position(cell, position):
    assert cell_position(cell) == position
    assert cell_name(*position) == cell


def test_cell_position_ignores_dollars_and_case():
    assert cell_position("$k$12") == (11, 10)
    assert cell_position("aa3") == (2, 26)


def test_every_column_up_to_three_letters_round_trips():
    assert all(column_index(column_letter(i)) == i for i in range(18278))


@pytest.mark.parametrize(("value", "text"), [
    (dt.date(2025, 12, 31), "31.12.2025"),
    (dt.date(2026, 3, 1), "01.03.2026"),
    (dt.datetime(2025, 12, 31, 14, 5, 9), "31.12.2025"),
    ("2025-12-31", "31.12.2025"),
    ("2025-12-31T14:05:09", "31.12.2025"),
    ("2025-12-31 14:05", "31.12.2025"),
    (None, ""),
    ("", ""),
    ("unbekannt", "unbekannt"),
])
def test_german_date(value, text):
    assert german_date(value) == text


def test_german_date_with_time():
    assert german_date(dt.datetime(2025, 12, 31, 14, 5, 9), with_time=True) == "31.12.2025 14:05"
    assert german_date("2025-12-31T08:30:00", with_time=True) == "31.12.2025 08:30"
    assert german_date(dt.date(2025, 12, 31), with_time=True) == "31.12.2025"  # a date has no time to show
