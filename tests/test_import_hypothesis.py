"""Property: any long table written by Python's csv module imports exactly its rows (issue 18).

Semicolons or commas as separator, quotes, line breaks, semicolons and umlauts inside the notes, groups and areas
written as code or German label, numbers in German notation, in every character set `toolkit import` reads (UTF-8
with and without BOM, UTF-16 with BOM, Windows-1252, DOS code page 850, recognised without --zeichensatz): the store
then holds exactly the generated values, Kennzeichen and Hinweise, and the import counts exactly the generated rows.
"""

from __future__ import annotations

import csv
import io
import itertools
import shutil

import pytest
from conftest import make_workspace
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.catalogue.model import CITY, GERMANY, LAND, load_catalogue
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.merge.imports import COLUMNS, import_values
from toolkit.returns.caches import Caches

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "cp850")  # Python's utf-16 codec writes a BOM
# how an area, a group and a sex may be written -> the code stored
DISTRICTS = {d.name: d for d in load_catalogue().districts}
AREAS = {"Gesamtstadt": CITY, "15003": CITY, "Sachsen-Anhalt": LAND, "Deutschland": GERMANY} | {
    written: DISTRICTS[name].area for name in ("Alte Neustadt", "Sudenburg")
    for written in (name, DISTRICTS[name].schluessel)}
GROUPS = {"insgesamt": "insgesamt", "Deutsche": "deutsch", "nichtdeutsch": "nichtdeutsch",
          "Nichtdeutsche": "nichtdeutsch"}
SEXES = {"": "insgesamt", "Insgesamt": "insgesamt", "weiblich": "weiblich", "Männlich": "maennlich"}
counter = itertools.count()

# a note as offices write them: German letters (in every character set read), separators, quotes, line breaks
# (a line with as many separators as a row included: valid CSV, read as written, with a warning naming the line)
notes = st.one_of(
    st.text(alphabet=st.sampled_from(list("abcxyz XYZ019.,:;-/()\"'\näöüÄÖÜß")), max_size=30).map(str.strip),
    st.sampled_from(["Quelle:\n;;;;;;;;", "a,b\n,,,,,,,,\nc", "x;\n1;2;3;4;5;6;7;8;9"]))

rows = st.tuples(
    st.integers(min_value=2015, max_value=2024),
    st.sampled_from(sorted(AREAS)),
    st.sampled_from(sorted(GROUPS)),
    st.sampled_from(sorted(SEXES)),
    st.integers(min_value=0, max_value=10**7),
    st.sampled_from(["", "vorläufig", "geschätzt"]),
    notes,
)


def _key(row: tuple) -> ObservationKey:
    year, area, group, sex, *_ = row
    return ObservationKey("DEM-01", year, AREAS[area], GROUPS[group], SEXES[sex], "wert")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One working folder for all examples, and an empty store to start each one from (copied: quicker than new)."""
    root = tmp_path_factory.mktemp("hypothesis")
    workspace = make_workspace(root / "ws")
    empty = root / "leer.sqlite"
    Store(empty).close()
    return workspace, empty, Caches()


@settings(max_examples=30, deadline=None)
@given(table=st.lists(rows, min_size=1, max_size=6, unique_by=_key), encoding=st.sampled_from(ENCODINGS),
       delimiter=st.sampled_from([";", ","]), newline=st.sampled_from(["\r\n", "\n"]), german=st.booleans())
def test_any_csv_written_by_python_imports_exactly_its_rows(folder, table, encoding, delimiter, newline, german):
    workspace, empty, caches = folder
    shutil.copyfile(empty, workspace.store_file)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(COLUMNS)
    for year, area, group, sex, value, flag, note in table:
        written = f"{value:,}".replace(",", ".") if german else str(value)  # 1.234.567 or 1234567
        writer.writerow([year, "DEM-01", area, group, sex, "Wert", written, flag, note, "", ""])  # all ages, nationalities
    path = workspace.root / f"tabelle_{next(counter)}.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))

    result = import_values(workspace, path, caches=caches)

    assert result.report.ok, [p.message for p in result.report.problems]
    assert (result.rows, result.new) == (len(table), len(table))
    with Store(workspace.store_file) as store:
        stored = {k: (v.value, v.flag, v.note) for k, v in store.values().items()}
    assert stored == {_key(row): (float(row[4]), row[5], row[6]) for row in table}
