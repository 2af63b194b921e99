"""Make the specification files of tests/data once, and on purpose the expected results in tests/expected.

    python tests/data/make_data.py             # the four workbooks (needs LibreOffice) and the expected files
    python tests/data/make_data.py --expected  # only the expected files, from the committed workbooks

Run it from the repository root. The tests read the committed files and never call this script; after a
deliberate change of what the toolkit reads or reports, refresh the expected files with ``--expected``,
look at the diff (``git diff tests/expected``) and commit it with the change.

The workbooks, all for the office DEZSOZ (the smallest of the default catalogue: one value, TEI-05, in
Erfassung!K5 with its Kennzeichen in L5 and Bemerkung in M5) and the report year 2025:

Erhebung_2025_DEZSOZ.xlsx
    A clean return: the collection workbook as the toolkit writes it (tests/workbook_edit.generate, round
    token ROUND_TOKEN, no earlier years pre-filled), then every input cell filled as CLEAN_CELLS says,
    directly in the sheet XML (tests/workbook_edit.set_cells). The check gives one Hinweis (the Bemerkung).
Erhebung_2025_DEZSOZ_LibreOffice.xlsx
    The clean return opened and saved as .xlsx by LibreOffice Calc, headless:
    ``soffice --headless --convert-to "xlsx:Calc MS Excel 2007 XML"`` (as tests/test_libreoffice_roundtrip.py
    does), renamed. Same values as the clean return, different bytes (shared strings, LibreOffice styles).
Erhebung_2025_DEZSOZ_kA.xlsx
    The blank workbook with "k.A." typed as text into the number cell K5 (TEXT_CELLS): a Fehler keine-zahl.
Erhebung_2025_DEZSOZ_abgeschnitten.xlsx
    The first half of the bytes of the clean return, as after an interrupted download: a broken zip, a Fehler
    nicht-lesbar.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]  # this checkout's toolkit and the test helpers

from conftest import make_workspace  # noqa: E402
from specification import (  # noqa: E402
    CLEAN,
    DATA,
    DATA_FILES,
    LIBREOFFICE,
    OFFICE,
    TEXT_IN_NUMBER,
    TRUNCATED,
    YEAR,
    check_data,
    dumps,
    expected_file,
)
from workbook_edit import generate, set_cells  # noqa: E402

from toolkit.catalogue.model import load_catalogue  # noqa: E402
from toolkit.collect.layout import plan_workbook  # noqa: E402

ROUND_TOKEN = "2025-DEZSOZ-5e1d7a20"
CLEAN_CELLS = {
    ("Erfassung", "K5"): 14,  # TEI-05: Empfehlungen des Beirats für Integration und Migration 2025
    ("Erfassung", "L5"): "vorläufig",
    ("Erfassung", "M5"): "Stand 31.12.2025 laut Sitzungsprotokollen; das Protokoll der Dezembersitzung ist noch "
                         "nicht genehmigt.",
}
TEXT_CELLS = {
    ("Erfassung", "K5"): "k.A.",
    ("Erfassung", "M5"): "Zahl liegt noch nicht vor.",
}
LIBREOFFICE_FILTER = "xlsx:Calc MS Excel 2007 XML"


def make_workbooks() -> None:
    catalogue = load_catalogue()
    plan = plan_workbook(catalogue, OFFICE, YEAR)
    cells = {role: sorted(s.cell for s in plan.slots if s.role == role) for role in ("input", "flag", "note")}
    assert cells == {"input": ["K5"], "flag": ["L5"], "note": ["M5"]}, f"the plan of {OFFICE} changed: {cells}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        blank = generate(folder / "blank.xlsx", catalogue, OFFICE, YEAR, token=ROUND_TOKEN)
        set_cells(blank, DATA / CLEAN, CLEAN_CELLS)
        set_cells(blank, DATA / TEXT_IN_NUMBER, TEXT_CELLS)
        shutil.copyfile(_saved_by_libreoffice(DATA / CLEAN, folder), DATA / LIBREOFFICE)
    data = (DATA / CLEAN).read_bytes()
    (DATA / TRUNCATED).write_bytes(data[: len(data) // 2])


def _saved_by_libreoffice(source: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) fehlt; es wird für Erhebung_2025_DEZSOZ_LibreOffice.xlsx gebraucht.")
    profile = (folder / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
                    LIBREOFFICE_FILTER, "--outdir", str(folder / "libreoffice"), str(source)], check=True,
                   capture_output=True, timeout=120)
    return folder / "libreoffice" / source.name


def write_expected() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        observed = check_data(make_workspace(Path(tmp) / "ws"))
    expected_file(CLEAN).parent.mkdir(exist_ok=True)
    for name in DATA_FILES:
        expected_file(name).write_text(dumps(observed[name]), encoding="utf-8", newline="\n")
        print(f"{expected_file(name).relative_to(TESTS.parent).as_posix()}: {len(observed[name]['problems'])} "
              "Befunde")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expected", action="store_true",
                        help="only refresh tests/expected from the committed workbooks")
    args = parser.parse_args()
    if not args.expected:
        make_workbooks()
    write_expected()


if __name__ == "__main__":
    main()
