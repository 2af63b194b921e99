"""A working folder with two real tables of the Amt für Statistik imported, for tests that need real data.

The tables (tests/data/kiss-md/, see the README there) are KISS-MD exports: K3_T35, inhabitants per Stadtteil
2011–2025, and K3_T39, foreign inhabitants per Stadtteil 2021–2025. ``kiss_md_workspace`` imports both through the
packaged mappings (toolkit/defaults/zuordnungen/) once per test session and copies the result for each caller, so a
test may change its copy:

    from kiss_md import kiss_md_workspace

    def test_something(tmp_path):
        workspace = kiss_md_workspace(tmp_path / "ws")  # store, catalogue, master matrix; no report template

The store then holds DEM-01 (insgesamt and nichtdeutsch), and Zähler and Nenner of DEM-02 and STT-01, for the city
(2025: 245,834 inhabitants, 39,404 of them foreigners) and the Stadtteile by the Amt's keys (area "st04" = 04 Alte
Neustadt); the 14 totals K3_T39 withholds (".") are stored with the Kennzeichen "gesperrt (Quelle)" and no value.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from conftest import make_workspace

import toolkit
from toolkit.core.workspace import Workspace
from toolkit.merge.imports import ImportResult, import_values

DATA = Path(__file__).resolve().parent / "data" / "kiss-md"
MAPPINGS = Path(toolkit.__file__).resolve().parent / "defaults" / "zuordnungen"
TABLES = {
    "K3_T35": DATA / "entwicklung-der-hauptwohnsitzbevoelkerung.xlsx",
    "K3_T39": DATA / "auslaendische-hauptwohnsitzbevoelkerung-nach-altersgruppen.xlsx",
}

# a round with age groups: the tables above and three more of ../shared/reference/kiss-md (README there), in the order
# an Amt would import them: inhabitants and foreigners per Stadtteil, then the age structure of the city (K3_T1,
# single years summed into the Pyramide and the Lebensphasen) and of the Stadtteile (K3_T34 all, K3_T39 foreigners)
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "kiss-md"
AGE_ROUND = {
    "K3_T35": TABLES["K3_T35"],
    "K3_T41": REFERENCE / "entwicklung-der-auslaendischen-hauptwohnsitzbevoelkerung.xlsx",
    "K3_T1": REFERENCE / "bevoelkerung-mit-hauptwohnsitz-nach-alter-und-geschlecht.xlsx",
    "K3_T34": REFERENCE / "hauptwohnsitzbevoelkerung-nach-altersgruppen.xlsx",
    "K3_T39": TABLES["K3_T39"],
}

# what the tables hold (read from the files by hand, checked by test_import_wide.py)
CITY_2025 = {"einwohner": 245_834, "auslaender": 39_404}
ALTE_NEUSTADT_2025 = {"einwohner": 12_374, "auslaender": 3_748}  # key 04, area st04
WITHHELD_K3_T39 = {  # (year, key) of the totals (var8) that K3_T39 gives as "."
    (2021, "60"), (2021, "70"), (2021, "74"), (2022, "42"), (2022, "70"), (2022, "72"), (2022, "74"), (2022, "76"),
    (2023, "70"), (2023, "72"), (2024, "70"), (2024, "72"), (2025, "70"), (2025, "72"),
}

_built: list[Path] = []  # the folder built in this session


def mapping_of(table: str) -> Path:
    """The packaged mapping of a KISS-MD table, e.g. toolkit/defaults/zuordnungen/kiss-md_K3_T35.toml."""
    return MAPPINGS / f"kiss-md_{table}.toml"


def import_kiss_md(workspace: Workspace) -> dict[str, ImportResult]:
    """Import both tables into ``workspace`` through their packaged mappings."""
    return {table: import_values(workspace, path, mapping_file=mapping_of(table)) for table, path in TABLES.items()}


def import_age_round(workspace: Workspace) -> dict[str, ImportResult]:
    """Import the tables of ``AGE_ROUND`` into ``workspace`` through their packaged mappings (the caller skips where
    a table of ../shared/reference is missing)."""
    return {table: import_values(workspace, path, mapping_file=mapping_of(table)) for table, path in AGE_ROUND.items()}


def kiss_md_workspace(target: Path) -> Workspace:
    """A copy at ``target`` of a working folder with both tables imported (built once per session)."""
    if not _built:
        folder = Path(tempfile.mkdtemp(prefix="kiss-md-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        results = import_kiss_md(make_workspace(folder / "ws"))
        assert all(r.report.ok for r in results.values()), [p.message for r in results.values() for p in r.report.problems]
        _built.append(folder / "ws")
    shutil.copytree(_built[0], target, copy_function=shutil.copyfile)  # copy2 needs CopyFile2, which Wine lacks
    return Workspace(target)
