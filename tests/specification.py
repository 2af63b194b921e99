"""The specification files: real returned workbooks in tests/data, and in tests/expected what the toolkit reads
from each and which problems its check must report.

tests/data/make_data.py made the workbooks once (and says how); the tests read the committed files. The
expected files are written only on purpose, by ``python tests/data/make_data.py --expected``; a test never
rewrites them.

One expected file per data file, ``tests/expected/<name without .xlsx>.json``:

- ``file``, ``sha256``, ``office``, ``year``, ``ok``: the FileReport of ``toolkit check`` for the file;
- ``report_year``: per observation key of the report year (``indicator|year|area|group|sex|measure``) the
  number read from the input cell (``value``, null for an empty or unreadable cell) and the texts of its
  Kennzeichen (``flag``) and Bemerkung (``note``) cells, as the reader took them from the file;
- ``earlier_years``: per observation key of an earlier year the number in its cell (null if empty);
- ``problems``: every problem the check reports (code, severity, sheet, cell, indicator, found, expected and
  the exact German message), sorted by sheet, cell, code and message.
"""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.catalogue.model import load_catalogue
from toolkit.core.workspace import Workspace
from toolkit.returns.caches import PlanCache
from toolkit.returns.checks import check_returns
from toolkit.returns.reader import readings_of
from toolkit.returns.workers import CheckedFile

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
EXPECTED = TESTS / "expected"

OFFICE, YEAR = "DEZSOZ", 2025  # the office with the fewest cells in the default catalogue (one value)
CLEAN = "Erhebung_2025_DEZSOZ.xlsx"
LIBREOFFICE = "Erhebung_2025_DEZSOZ_LibreOffice.xlsx"
TEXT_IN_NUMBER = "Erhebung_2025_DEZSOZ_kA.xlsx"
TRUNCATED = "Erhebung_2025_DEZSOZ_abgeschnitten.xlsx"
DATA_FILES = (CLEAN, LIBREOFFICE, TEXT_IN_NUMBER, TRUNCATED)

REFRESH = "python tests/data/make_data.py --expected"


def expected_file(name: str) -> Path:
    return EXPECTED / f"{Path(name).stem}.json"


def key_text(key: tuple) -> str:
    """'TEI-05|2025|gesamtstadt|insgesamt|insgesamt|wert'; age group and nationality only when not both "alle" (the
    expected files were written before a key had them)."""
    parts = list(key)
    if parts[6:] == ["alle", "alle"]:
        parts = parts[:6]
    return "|".join(str(part) for part in parts)


def observed(checked: CheckedFile) -> dict:
    """What the toolkit read from one file and what its check reported, in the form of the expected files."""
    returned, report = checked.returned, checked.report
    readings = readings_of(returned, PlanCache(load_catalogue()))  # None: not readable cell by cell
    by_role = readings.by_role if readings is not None else (lambda role: {})
    flags, notes = by_role("flag"), by_role("note")
    report_year = {}
    for key, reading in by_role("input").items():
        flag, note = flags.get(key), notes.get(key)
        report_year[key_text(key)] = {"value": reading.value, "flag": flag.text if flag is not None else "",
                                      "note": note.text if note is not None else ""}
    earlier_years = {key_text(key): reading.value for key, reading in by_role("history").items()}
    problems = sorted((p.as_json() for p in report.problems),
                      key=lambda p: (p["sheet"], p["cell"], p["code"], p["message"]))
    content = {"file": report.file, "sha256": report.sha256, "office": report.office, "year": report.year,
               "ok": report.ok, "report_year": report_year, "earlier_years": earlier_years, "problems": problems}
    return json.loads(dumps(content))  # the same types as a loaded expected file (lists, no tuples)


def check_data(workspace: Workspace, names: tuple[str, ...] = DATA_FILES) -> dict[str, dict]:
    """Read and check the data files as ``toolkit check`` does; file name -> observed content."""
    checked = check_returns(workspace, [DATA / name for name in names])
    return {item.returned.file: observed(item) for item in checked}


def dumps(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load_expected(name: str) -> dict:
    return json.loads(expected_file(name).read_text(encoding="utf-8"))
