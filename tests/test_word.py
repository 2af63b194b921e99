"""report/word.py: the Word documents the toolkit writes open in Word without a repair.

The OOXML checker openxml-audit (pure Python; the Open XML SDK's schemas, format microsoft365) reads the small
report and the Stadtteil profiles of the shared fixture and must find nothing. The cheap tests below pin the three
things it found before (on/off values, the place of w:updateFields, the stale stylesWithEffects part) on a
document made as an older template made them, so that compile also repairs what an older template brings in.
"""

from __future__ import annotations

import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from toolkit.report.word import finish_document

STYLES_WITH_EFFECTS = "stylesWithEffects"


def _older_document() -> docx.document.Document:
    """A document as the templates before this change were: w:val="true" on w:tblHeader and w:cantSplit, and
    w:updateFields appended at the end of the settings (after w:listSeparator)."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for number, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        for tag in ("w:tblHeader", "w:cantSplit") if number == 0 else ("w:cantSplit",):
            element = OxmlElement(tag)
            element.set(qn("w:val"), "true")
            properties.append(element)
        row.cells[0].text, row.cells[1].text = f"Zeile {number}", "1,0"
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)
    return document


def test_on_off_properties_are_written_as_word_writes_them():
    document = _older_document()
    document.add_paragraph("Zwischen den Tabellen")
    document.add_table(rows=2, cols=2).rows[0].cells[0].text = "Neu"
    finish_document(document, [], title="Test")
    older, new = ([row.trPr for row in table._tbl.findall(qn("w:tr"))] for table in document.tables)
    assert [child.tag for child in new[0]] == [qn("w:cantSplit"), qn("w:tblHeader")]  # as Word orders them
    assert [[child.tag for child in row] for row in new[1:]] == [[qn("w:cantSplit")]]
    assert sorted(child.tag for child in older[0]) == [qn("w:cantSplit"), qn("w:tblHeader")]
    for properties in (*older, *new):
        for element in properties:
            assert element.get(qn("w:val")) is None  # the element alone means on; "true" is no ST_OnOffOnly


def test_update_fields_stands_where_the_schema_puts_it():
    document = _older_document()
    finish_document(document, [], title="Test")
    tags = [child.tag for child in document.settings.element]
    assert tags.count(qn("w:updateFields")) == 1
    assert tags.index(qn("w:updateFields")) < tags.index(qn("w:compat")) < tags.index(qn("w:listSeparator"))
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_the_stale_styles_with_effects_part_is_dropped(tmp_path):
    document = _older_document()
    path = tmp_path / "alt.docx"
    document.save(str(path))
    with zipfile.ZipFile(path) as archive:
        assert "word/stylesWithEffects.xml" in archive.namelist()  # python-docx's default document has it
    finish_document(document, [], title="Test")
    document.save(str(path))
    with zipfile.ZipFile(path) as archive:
        assert "word/stylesWithEffects.xml" not in archive.namelist()
        for name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
            assert STYLES_WITH_EFFECTS not in archive.read(name).decode("utf-8")


def test_the_report_and_the_profiles_open_cleanly_in_word(compiled_with_maps):
    """The small report and its Stadtteil profiles (shared fixture): 0 findings, "expected to open cleanly". The
    checker reads every element against the schema (about 20,000 per document here), a few seconds each."""
    audit = pytest.importorskip("openxml_audit", reason="openxml-audit fehlt (pip install -e \".[test]\")")
    _workspace, result = compiled_with_maps
    validator = audit.OpenXmlValidator(file_format=audit.FileFormat.MICROSOFT_365, max_errors=20)
    for path in (result.report, result.profiles, result.annex):  # the Tabellenanhang with its print setup too
        checked = validator.validate(path)
        assert [f"{e.description} ({e.part_uri} {e.path})" for e in checked.errors] == [], path.name
        assert audit.predict(checked).prediction is audit.AppPrediction.OPENS_CLEAN
