"""Every bad or odd return file gets a clear answer through `toolkit check`: code, cell, exit code; the store
file stays byte for byte unchanged."""

from __future__ import annotations

import hashlib
import json
import time
import tracemalloc
from pathlib import Path

import pytest
from bad_returns import OFFICE, TOKEN, YEAR, build_all, cases
from conftest import make_workspace
from typer.testing import CliRunner

import toolkit.cli
from toolkit.core.store import Store
from toolkit.returns.safety import Refused, inspect_file

runner = CliRunner()


@pytest.fixture(scope="module")
def bad(tmp_path_factory, catalogue):
    root = tmp_path_factory.mktemp("bad")
    workspace = make_workspace(root / "ws")
    with Store(workspace.store_file) as store, store.transaction():
        store.record_round(year=YEAR, office=OFFICE, token=TOKEN, deadline="2026-03-31", file_name="x.xlsx",
                           sha256="0" * 64, layout_version="1", fingerprint="")
    folder = root / "files"
    good = build_all(folder, catalogue)
    return workspace, folder, good


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json_check(workspace, paths: list[Path]):
    result = runner.invoke(toolkit.cli.app, ["check", *map(str, paths), "-w", str(workspace.root), "--format", "json"])
    return result, json.loads(result.stdout)


def test_at_least_25_cases():
    assert len(cases()) >= 25
    assert len({c.code for c in cases()}) >= 25


def test_every_bad_file_gives_its_code_cell_and_exit_code(bad):
    workspace, folder, _good = bad
    before = _sha(workspace.store_file)
    all_cases = cases()
    result, data = _json_check(workspace, [folder / c.file for c in all_cases])
    assert result.exit_code == 1, result.output
    by_file = {item["file"]: item for item in data}
    failures = []
    for case in all_cases:
        item = by_file[case.file]
        places = [(p["code"], f"{p['sheet']}!{p['cell']}" if p["sheet"] and p["cell"] else p["sheet"])
                  for p in item["problems"]]
        if (case.code, case.place) not in places or item["ok"] != case.ok:
            failures.append((case, item["ok"], places[:6]))
        assert all(p["message"] for p in item["problems"])
    assert not failures, failures
    assert _sha(workspace.store_file) == before


@pytest.mark.parametrize("case", [c for c in cases() if c.file in (
    "text_in_number.xlsx", "german_thousands.xlsx", "makro.xlsm", "bomb.xlsx", "old_round.xlsx", "entities.xlsx")],
    ids=lambda c: c.file)
def test_single_file_exit_code_and_message(bad, case):
    workspace, folder, _good = bad
    before = _sha(workspace.store_file)
    result = runner.invoke(toolkit.cli.app, ["check", str(folder / case.file), "-w", str(workspace.root)])
    assert result.exit_code == (0 if case.ok else 1), result.output
    assert "Traceback" not in result.output
    if case.place and "!" in case.place:
        assert case.place in result.output.replace("\n", "").replace("│", "").replace(" ", "") or \
            case.place.replace(" ", "") in result.output.replace("\n", "").replace("│", "").replace(" ", "")
    assert _sha(workspace.store_file) == before


def test_text_in_number_cell_message_names_the_cell(bad):
    workspace, folder, _good = bad
    result, data = _json_check(workspace, [folder / "text_in_number.xlsx"])
    assert result.exit_code == 1
    problem = next(p for p in data[0]["problems"] if p["code"] == "keine-zahl")
    assert "Erfassung!K5" in problem["message"] and "zwölf" in problem["message"]
    assert problem["severity"] == "fehler" and problem["indicator"] == "SPR-03"


def test_number_typed_over_a_formula_row_names_the_erfassung_cell(bad):
    workspace, folder, _good = bad
    result, data = _json_check(workspace, [folder / "typed_over_city_row.xlsx", folder / "typed_over_sum_row.xlsx"])
    assert result.exit_code == 0, data
    city, total = ([p for p in item["problems"] if p["code"] == "eingabe-in-formelzeile"] for item in data)
    assert [(p["sheet"], p["cell"], p["severity"]) for p in city] == [("Stadtteile BIL-01", "C45", "warnung")]
    assert "Erfassung!K9" in city[0]["message"] and "999" in city[0]["message"]  # BIL-01 insgesamt Zähler
    assert city[0]["indicator"] == "BIL-01" and city[0]["expected"] == "Wert in Erfassung!K9"
    assert [(p["sheet"], p["cell"]) for p in total] == [("Stadtteile BIL-02", "D46")]
    assert "Erfassung!K12" in total[0]["message"] and "Summe" in total[0]["message"]  # BIL-02 insgesamt Nenner
    assert not [p for item in data for p in item["problems"] if p["code"] not in ("eingabe-in-formelzeile",)]
    from openpyxl import load_workbook

    book = load_workbook(workspace.check_reports_dir(YEAR) / "Pruefbericht_typed_over_city_row.xlsx")
    copy = book["Kopie Stadtteile BIL-01"]
    assert copy["C45"].value == 999 and "Erfassung!K9" in copy["C45"].comment.text
    for sheet in (book["Prüfbericht"], copy):  # printable: A4 landscape, one page wide
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0  # width 1 (default)


def test_clean_file_passes_without_problems(bad):
    workspace, _folder, good = bad
    result, data = _json_check(workspace, [good])
    assert result.exit_code == 0, data
    assert data[0]["ok"] and data[0]["problems"] == []
    assert data[0]["office"] == OFFICE and data[0]["year"] == YEAR


def test_no_value_flag_silences_missing_value(bad, tmp_path):
    from workbook_edit import set_cells

    workspace, _folder, good = bad
    path = set_cells(good, tmp_path / "flagged.xlsx", {("Erfassung", "K5"): None,
                                                       ("Erfassung", "L5"): " Kein Wert verfügbar "})
    _result, data = _json_check(workspace, [path])
    assert not [p for p in data[0]["problems"] if p["code"] in ("fehlender-wert", "unbekanntes-kennzeichen")]


def test_lock_and_hidden_files_in_inbox_are_skipped(bad):
    import shutil

    workspace, _folder, good = bad
    inbox = workspace.inbox
    shutil.copy(good, inbox / "Erhebung_2025_JUGA.xlsx")
    (inbox / "~$Erhebung_2025_JUGA.xlsx").write_bytes(b"lock")
    (inbox / ".DS_Store").write_bytes(b"junk")
    try:
        result, data = _json_check(workspace, [])
        assert result.exit_code == 0
        assert [d["file"] for d in data] == ["Erhebung_2025_JUGA.xlsx"]
    finally:
        for p in inbox.iterdir():
            p.unlink()


def test_check_of_missing_file_is_an_input_error(bad):
    workspace, folder, _good = bad
    result = runner.invoke(toolkit.cli.app, ["check", str(folder / "gibt-es-nicht.xlsx"), "-w", str(workspace.root)])
    assert result.exit_code == 3
    assert "gibt es nicht" in result.output


def test_check_without_store_creates_none(tmp_path, catalogue):
    workspace = make_workspace(tmp_path / "ws")
    build = tmp_path / "files"
    good = build_all(build, catalogue)
    result, data = _json_check(workspace, [good])
    assert result.exit_code == 0, data
    assert not workspace.store_file.exists()


@pytest.mark.parametrize("name", ["bomb.xlsx", "lying_bomb.xlsx", "cell_spread.xlsx", "entities.xlsx",
                                  "repeat_bomb.ods"])
def test_bombs_are_refused_fast_and_small(bad, name):
    _workspace, folder, _good = bad
    path = folder / name
    data = path.read_bytes()
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(Refused):
        inspect_file(path, data)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 40 * 1024 * 1024, peak


def test_prufbericht_written_for_checked_file_with_text_as_text(bad):
    from openpyxl import load_workbook

    workspace, folder, _good = bad
    _json_check(workspace, [folder / "hyperlink_note.xlsx"])
    report = workspace.check_reports_dir(YEAR) / "Pruefbericht_hyperlink_note.xlsx"
    assert report.is_file()
    book = load_workbook(report)
    copy = book["Kopie Erfassung"]
    assert copy["M5"].data_type == "s" and copy["M5"].value.startswith("=HYPERLINK")
    assert copy["M5"].comment is not None and "Bemerkung" in copy["M5"].comment.text
    rows = [[c.value for c in row] for row in book["Prüfbericht"].iter_rows()]
    assert any(r[1] == "bemerkung" and r[3] == "M5" for r in rows)


def test_defusedxml_protects_openpyxl():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_formula_cells_found_without_a_pattern_over_every_cell() -> None:
    import re

    from toolkit.returns.safety import formula_cells

    pattern = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?>\s*<f[\s>/]')
    xml = (b'<row><c r="A1"><f>SUM(B1)</f><v>1</v></c><c r="B2" s="3" t="str">\n <f t="shared" ref="B2:B3" si="0"/>'
           b'</c><c r="C3"/><c r="D4"><v>1</v></c><c r="E5" t="inlineStr"><is><t>&lt;f&gt;</t></is></c>'
           b'<c r="F6"><fx/></c><c r="AB70"><f/></c></row>')
    for content in (xml, b"<f>", b"", b'<c r="A1"><f'):
        assert formula_cells(content) == {m.group(1).decode() for m in pattern.finditer(content)}
    assert formula_cells(xml) == {"A1", "B2", "AB70"}
