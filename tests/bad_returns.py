"""The bad and odd return files of the tests, built from a real generated workbook, with what each must give.

Each case: file name, the problem code it must produce, the place (``Blatt!Zelle``, a sheet, or "" for
file-level problems) and whether the file as a whole is still ok (no Fehler).
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from workbook_edit import Date, Formula, filled_cells, generate, replace_part, set_cells

from toolkit.collect.layout import plan_workbook
from toolkit.returns.safety import OLE_MAGIC

OFFICE, YEAR, TOKEN = "JUGA", 2025, "T-1"
E = "Erfassung"
D1, D2 = "Stadtteile BIL-01", "Stadtteile BIL-02"


@dataclass(frozen=True)
class Case:
    file: str
    code: str
    place: str  # "Erfassung!K5", a sheet name, or "" (the whole file)
    ok: bool  # no Fehler in the file


CELL_CASES = {
    # file name: (changes, code, place, ok)
    "text_in_number.xlsx": ({(E, "K5"): "zwölf"}, "keine-zahl", "Erfassung!K5", False),
    "german_thousands.xlsx": ({(E, "K6"): "8.000"}, "deutsches-zahlformat", "Erfassung!K6", True),
    "decimal_comma_count.xlsx": ({(E, "K5"): "12,5"}, "keine-ganze-zahl", "Erfassung!K5", False),
    "fraction.xlsx": ({(E, "K7"): 12.5}, "keine-ganze-zahl", "Erfassung!K7", False),
    "negative.xlsx": ({(E, "K8"): -5}, "negativer-wert", "Erfassung!K8", False),
    "zaehler_gt_nenner.xlsx": ({(E, "K5"): 9000}, "zaehler-groesser-nenner", "Erfassung!K5", False),
    # BIL-01 Zähler above its Nenner: the Kita quotas count children where they live, never over 100 % (issue #19);
    # a catalogue that allows rates over 100 % warns only beyond its Höchstwert (test_checks.py)
    "kita_over_100.xlsx": ({(E, "K9"): 9000}, "zaehler-groesser-nenner", "Erfassung!K9", False),
    "nenner_null.xlsx": ({(E, "K6"): 0}, "nenner-null", "Erfassung!K6", False),
    "sum_districts.xlsx": ({(D1, "D5"): 99999}, "summe-stadtteile", "Stadtteile BIL-01!D5", True),  # a Nenner
    "jump.xlsx": ({(E, "J5"): 1000}, "sprung-zum-vorjahr", "Erfassung!K5", True),
    "history_changed.xlsx": ({(E, "G5"): 4000}, "vorjahr-geaendert", "Erfassung!G5", True),
    "missing_value.xlsx": ({(E, "K5"): None}, "fehlender-wert", "Erfassung!K5", True),
    "formula.xlsx": ({(E, "K5"): Formula("2400*2", 4800.0)}, "formel", "Erfassung!K5", True),
    "formula_no_cache.xlsx": ({(E, "K7"): Formula("A1")}, "formel", "Erfassung!K7", True),
    "unknown_flag.xlsx": ({(E, "L5"): "ca."}, "unbekanntes-kennzeichen", "Erfassung!L5", True),
    "hyperlink_note.xlsx": ({(E, "M5"): '=HYPERLINK("http://evil.example","klick")'}, "bemerkung", "Erfassung!M5",
                            True),
    "date_in_cell.xlsx": ({(E, "K7"): Date(45000.0)}, "keine-zahl", "Erfassung!K7", False),
    "bool_in_cell.xlsx": ({(E, "K7"): True}, "keine-zahl", "Erfassung!K7", False),
    "typed_over_city_row.xlsx": ({(D1, "C45"): 999}, "eingabe-in-formelzeile", "Stadtteile BIL-01!C45", True),
    "typed_over_sum_row.xlsx": ({(D2, "D46"): 5000}, "eingabe-in-formelzeile", "Stadtteile BIL-02!D46", True),
    "row_moved.xlsx": ({(E, "A9"): "BIL-99"}, "layout-geaendert", "Erfassung!A9", False),
    "code_changed.xlsx": ({(E, "N5"): "deutsch"}, "layout-geaendert", "Erfassung!N5", False),
    "district_sorted.xlsx": ({(D1, "A5"): 2}, "layout-geaendert", "Stadtteile BIL-01!A5", False),
    "old_layout.xlsx": ({("Kennung", "B4"): "0"}, "layout-veraltet", "Kennung!B4", False),
    "fingerprint.xlsx": ({("Kennung", "B7"): "0000"}, "layout-geaendert", "Kennung!B7", False),
    "unknown_office.xlsx": ({("Kennung", "B2"): "XYZ"}, "falsche-dienststelle", "Kennung!B2", False),
    "not_a_collection.xlsx": ({("Kennung", "A1"): "Etwas anderes"}, "kein-erhebungsbogen", "Kennung!A1", False),
}

FILE_CASES = {
    "as_distributed.xlsx": ("leeres-blatt", "Erfassung!K5", False),
    "empty_district_sheet.xlsx": ("leeres-blatt", f"{D2}!C5", False),
    "foreign.xlsx": ("kein-erhebungsbogen", "", False),
    "wrong_year.xlsx": ("falsches-jahr", "Kennung!B3", False),
    "other_office.xlsx": ("falsche-dienststelle", "Kennung!B2", False),
    "old_round.xlsx": ("andere-runde", "Kennung!B5", True),
    "makro.xlsm": ("makros", "", False),
    "vba_inside.xlsx": ("makros", "", False),
    "encrypted.xlsx": ("verschluesselt", "", False),
    "legacy_macro.xls": ("makros", "", False),
    "bericht.pdf": ("keine-tabelle", "", False),
    "letter.docx": ("keine-tabelle", "", False),
    "empty.xlsx": ("leere-datei", "", False),
    "truncated.xlsx": ("nicht-lesbar", "", False),
    "garbage.xlsx": ("nicht-lesbar", "", False),
    "bomb.xlsx": ("zu-gross", "", False),
    "cell_spread.xlsx": ("zu-gross", "", False),
    "entities.xlsx": ("unsicherer-inhalt", "", False),
    "lying_bomb.xlsx": ("nicht-lesbar", "", False),
    "repeat_bomb.ods": ("zu-gross", "", False),
}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>
"""


def cases() -> list[Case]:
    result = [Case(name, code, place, ok) for name, (_c, code, place, ok) in CELL_CASES.items()]
    result += [Case(name, code, place, ok) for name, (code, place, ok) in FILE_CASES.items()]
    return result


def build_all(folder: Path, catalogue) -> Path:
    """Write every case into ``folder``; return the clean, completely filled workbook (not in ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder.parent / f"{folder.name}_sources"
    work.mkdir(exist_ok=True)
    base = generate(work / "base.xlsx", catalogue, OFFICE, YEAR, token=TOKEN)
    plan = plan_workbook(catalogue, OFFICE, YEAR)
    good_cells = filled_cells(plan)
    good = set_cells(base, work / "Erhebung_2025_JUGA_gut.xlsx", good_cells)
    for name, (changes, *_rest) in CELL_CASES.items():
        set_cells(base, folder / name, {**good_cells, **changes})
    shutil.copy(base, folder / "as_distributed.xlsx")
    set_cells(base, folder / "empty_district_sheet.xlsx",
              {k: v for k, v in good_cells.items() if k[0] != D2})
    _foreign(folder / "foreign.xlsx")
    old_year = generate(work / "y2024.xlsx", catalogue, OFFICE, 2024, token=TOKEN)
    set_cells(old_year, folder / "wrong_year.xlsx", filled_cells(plan_workbook(catalogue, OFFICE, 2024)))
    other = generate(work / "soz.xlsx", catalogue, "SOZ", YEAR, token=TOKEN)
    set_cells(other, folder / "other_office.xlsx", filled_cells(plan_workbook(catalogue, "SOZ", YEAR)))
    set_cells(good, folder / "old_round.xlsx", {("Kennung", "B5"): "T-0"})
    shutil.copy(good, folder / "makro.xlsm")
    replace_part(good, folder / "vba_inside.xlsx", "xl/vbaProject.bin", b"\x00" * 512)
    (folder / "encrypted.xlsx").write_bytes(_ole("EncryptionInfo", "EncryptedPackage"))
    (folder / "legacy_macro.xls").write_bytes(_ole("Workbook", "_VBA_PROJECT_CUR"))
    (folder / "bericht.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    _docx(folder / "letter.docx")
    (folder / "empty.xlsx").write_bytes(b"")
    data = good.read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "garbage.xlsx").write_bytes(b"PK" + bytes(range(256)) * 40)
    _bomb(folder / "bomb.xlsx", good)
    set_cells(good, folder / "cell_spread.xlsx", {(E, "XFD1048576"): 1})
    replace_part(good, folder / "entities.xlsx", "xl/sharedStrings.xml", BILLION_LAUGHS)
    _lying_bomb(folder / "lying_bomb.xlsx")
    _repeat_bomb(folder / "repeat_bomb.ods")
    return good


def _foreign(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Tabelle1")
    sheet.write_row(0, 0, ["Jahr", "Wert"])
    sheet.write_row(1, 0, [2025, 12])
    book.close()


def _ole(*streams: str) -> bytes:
    """Not a full compound file, but what the guards look at: the magic and the UTF-16 stream names."""
    body = b"".join(s.encode("utf-16-le") + b"\x00\x00" for s in streams)
    return OLE_MAGIC + b"\x00" * 504 + body + b"\x00" * 1024


def _docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")


def _bomb(path: Path, good: Path) -> None:
    """A valid workbook plus one member that expands to 80 MB of zeros (about 80 KB compressed)."""
    shutil.copy(good, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z, \
            z.open("xl/media/padding.xml", "w", force_zip64=True) as handle:
        chunk = b"\x00" * (1 << 20)
        for _ in range(80):
            handle.write(chunk)


def _lying_bomb(path: Path) -> None:
    """A member whose header declares 100 bytes but which expands to 16 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (16 << 20) + b"</a>")
    data = bytearray(path.read_bytes())
    size = (16 << 20) + 7
    old = size.to_bytes(4, "little")
    new = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data).replace(old, new))


def _repeat_bomb(path: Path) -> None:
    """An ODS whose one cell is repeated 1000 x 1,000,000 times: tiny file, billions of cells for a reader."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Erfassung"><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", "<manifest/>")
