"""toolkit publish: the edited report is released only when nothing editorial, internal or unpublished is left in it;
then the edition is written from the one protected table and recorded in the publication ledger."""

from __future__ import annotations

import csv
import re
import zipfile

import docx
import pytest
from conftest import copy_folder
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx_edit import find_cell, replace_text, set_cell
from typer.testing import CliRunner

import toolkit.cli
import toolkit.publish.edition
from toolkit.catalogue.model import load_catalogue
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.indicators.audit import cells_of
from toolkit.indicators.editions import audit_editions, audit_frame, edition_frames, editions_of
from toolkit.indicators.export import export_open_data
from toolkit.publish.pages import DATA_DIR, zip_name
from toolkit.report.compile import compile_report
from toolkit.report.context import INTERNAL_MARK
from toolkit.report.word_template import ERGEBNISSE_HINWEIS, VORWORT

YEAR = 2024
runner = CliRunner()
# what an editor does to the draft before it can go out
EDITED = {VORWORT: "Das Vorwort der Koordination.", ERGEBNISSE_HINWEIS: "Die Ergebnisse im Überblick."}


@pytest.fixture
def draft(compiled_with_maps, tmp_path) -> Workspace:
    """A fresh copy of the compiled small working folder (publishing writes the ledger)."""
    return Workspace(copy_folder(compiled_with_maps[0].root, tmp_path / "ws"))


@pytest.fixture(scope="module")
def _released(compiled_with_maps, tmp_path_factory) -> tuple[Workspace, str]:
    """The small working folder edited in Word and published once for this file's tests (a publication draws every
    picture of the website and the profiles): (workspace, what publish printed). Read-only; a test takes
    ``released``."""
    workspace = Workspace(copy_folder(compiled_with_maps[0].root, tmp_path_factory.mktemp("released") / "ws"))
    assert replace_text(workspace.report_file(YEAR), EDITED) == 2
    result = _publish(workspace)
    assert result.exit_code == 0, result.output
    return workspace, result.output


@pytest.fixture
def released(_released, tmp_path) -> tuple[Workspace, str, Workspace]:
    """A fresh copy of the published small working folder: (the copy, what publish printed, the folder it printed)."""
    workspace, output = _released
    return Workspace(copy_folder(workspace.root, tmp_path / "ws")), output, workspace


def _publish(workspace: Workspace, *extra: str):
    return runner.invoke(toolkit.cli.app, ["publish", "--year", str(YEAR), "--ohne-pdf", "-w", str(workspace.root),
                                           *extra])


def _findings(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  ")]


def _paragraph(path, text: str) -> int:
    """The number of the first body paragraph holding ``text`` (counted as Word lists them, from 1)."""
    return next(n for n, p in enumerate(docx.Document(str(path)).paragraphs, start=1) if text in p.text)


def test_the_demo_draft_is_refused_with_every_placeholder_and_nothing_is_written(demo_copy):
    store_before = demo_copy.store_file.read_bytes()
    year = 2025
    result = runner.invoke(toolkit.cli.app, ["publish", "--year", str(year), "--ohne-pdf", "-w", str(demo_copy.root)])
    assert result.exit_code == 1, result.output
    assert f"{demo_copy.report_file(year)} wird nicht veröffentlicht: 2 Befunde. Es wurde nichts geschrieben.\n" \
        in result.output
    path = demo_copy.report_file(year)
    assert _findings(result.output) == [
        f"Absatz {_paragraph(path, VORWORT)} (Abschnitt „Vorwort“): Platzhalter „{VORWORT[:89].rstrip()}…“",
        f"Absatz {_paragraph(path, ERGEBNISSE_HINWEIS)} (Abschnitt „Wichtigste Ergebnisse“): Platzhalter "
        f"„{ERGEBNISSE_HINWEIS[:88].rstrip()}…“"]
    assert result.output.endswith("Bitte den Bericht in Word korrigieren, speichern und 'toolkit publish' "
                                  "wiederholen.\n")
    assert demo_copy.store_file.read_bytes() == store_before
    assert not (demo_copy.year_dir(year) / "Veroeffentlichung").exists()


def test_a_working_note_typed_in_word_is_refused_with_its_paragraph(draft):
    replace_text(draft.report_file(YEAR), {**EDITED, "Das Vorwort der Koordination.": "Das Vorwort (Zahlen prüfen)."})
    result = _publish(draft)
    assert result.exit_code == 1, result.output
    n = _paragraph(draft.report_file(YEAR), "Das Vorwort (Zahlen prüfen).")
    assert _findings(result.output) == [f"Absatz {n} (Abschnitt „Vorwort“): Arbeitsnotiz „(Zahlen prüfen)“ in „Das "
                                        "Vorwort (Zahlen prüfen).“"]


def test_after_editing_in_word_the_edition_is_released_and_recorded(released):
    draft, output, printed = released
    folder = draft.year_dir(YEAR) / "Veroeffentlichung"
    assert f"\nAusgabe 2024 veröffentlicht (Nr. 1 im Veröffentlichungsverzeichnis): " \
           f"{printed.year_dir(YEAR) / 'Veroeffentlichung'}\n" in output
    assert "Geheimhaltung geprüft über 1 Ausgabe (diese und alle früheren zusammen): Kein gesperrter Wert ist " \
           "zurückzurechnen." in output
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert [n for n in names if not n.startswith("Website/")] == [
        "OffeneDaten/datapackage.json", "OffeneDaten/integrationsmonitoring_2024.csv", "Stadtteilprofile_2024.docx",
        "Tabellenanhang_2024.xlsx"]
    assert "Website/index.html" in names
    # the website's download of all data is the open data of the edition, from the same protected table
    with zipfile.ZipFile(folder / "Website" / DATA_DIR / zip_name(YEAR)) as archive:
        assert archive.read("integrationsmonitoring_2024.csv") == (
            folder / "OffeneDaten" / "integrationsmonitoring_2024.csv").read_bytes()
    with Store.read_only(draft.store_file) as store:
        editions, cells = store.editions(), store.edition_cells()
    assert [(e["year"], e["folder"], e["report"]) for e in editions] == [
        (2024, "outbox/2024/Veroeffentlichung", "outbox/2024/Integrationsbericht_2024.docx")]
    published = list(csv.DictReader((folder / "OffeneDaten" / "integrationsmonitoring_2024.csv").open(encoding="utf-8")))
    recorded = [c for c in cells if c[6] == "wert"]  # edition, the eight key fields (measure 6th), status
    assert len(recorded) == len(published)
    assert sum(1 for c in recorded if c[9] == "gesperrt") == sum(1 for r in published if r["Wert"] == "")
    # a later export from the unchanged store, taking the edition as public, says the same
    again = export_open_data(draft, YEAR)
    assert again.csv_path.read_text(encoding="utf-8") == (folder / "OffeneDaten" / again.csv_path.name).read_text(
        encoding="utf-8")
    assert again.revisions_path is None


def test_a_suppressed_value_typed_into_a_table_is_refused_with_its_cell(draft):
    replace_text(draft.report_file(YEAR), EDITED)
    table, row, column, caption, label = find_cell(draft.report_file(YEAR), "Tabelle: DEM-01", ".")
    set_cell(draft.report_file(YEAR), table, row, column, "2")
    changed = find_cell(draft.report_file(YEAR), "Tabelle: BIL-06", "6,8")
    set_cell(draft.report_file(YEAR), *changed[:3], "7,2")
    result = _publish(draft)
    assert result.exit_code == 1, result.output
    assert _findings(result.output) == [
        f"Tabelle {table} („{caption[:59]}…“), Zeile {row} „{label}“, Spalte „Insgesamt“: 2 eingetragen, der Wert ist "
        "gesperrt („.“)",
        f"Tabelle {changed[0]} („{changed[3][:59]}…“), Zeile {changed[1]} „{changed[4]}“, Spalte "
        f"„{_header(draft, changed[0], changed[2])}“: 7,2 statt 6,8 (der veröffentlichte Wert)"]


def _header(workspace: Workspace, table: int, column: int) -> str:
    return re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹]", "", docx.Document(str(workspace.report_file(YEAR))).tables[table - 1]
                  .rows[0].cells[column - 1].text).strip()


def test_internal_texts_properties_and_tracked_changes_are_refused(draft):
    path = draft.report_file(YEAR)
    replace_text(path, {**EDITED, "Das Vorwort der Koordination.": "Daten: Erhebung_2024_STAT.xlsx, stat@example.org."})
    document = docx.Document(str(path))
    note = load_catalogue(draft.catalogue_file).indicators["GES-04"].notiz_intern
    document.add_paragraph(f"Zur Kennzahl: {note}")
    inserted = OxmlElement("w:ins")  # a run typed with "Änderungen nachverfolgen" on
    inserted.set(qn("w:id"), "1")
    inserted.set(qn("w:author"), "Redaktion")
    paragraph = document.add_paragraph()
    paragraph._p.append(inserted)
    document.core_properties.title = ""
    document.core_properties.language = "en-US"
    document.core_properties.author = "Sachbearbeitung"
    document.save(str(path))
    findings = _findings(_publish(draft).output)
    publisher = "Landeshauptstadt Magdeburg, Dezernat für Soziales, Jugend und Gesundheit"
    n = _paragraph(path, "Erhebung_2024_STAT.xlsx")
    assert [f.split(": ", 1)[1] for f in findings if f.startswith(f"Absatz {n} ")] == [
        "Name einer gelieferten Datei „Erhebung_2024_STAT.xlsx“",
        "E-Mail-Adresse einer liefernden Stelle „stat@example.org“"]
    assert any(f.endswith(f"interne Notiz aus dem Katalog (GES-04) „{note[:89]}…“") for f in findings), findings
    assert findings[-4:] == [
        "Dokumenteigenschaft Titel: leer",
        "Dokumenteigenschaft Sprache: „en-US“ statt „de-DE“",
        f"Dokumenteigenschaft Autor (Herausgeber): „Sachbearbeitung“ statt „{publisher}“",
        "Integrationsbericht_2024.docx: 1 nachverfolgte Änderung; sie könnten im PDF stehen, und gelöschte Zahlen "
        "blieben lesbar"]


def test_the_internal_edition_is_refused_for_its_mark(draft):
    internal = compile_report(draft, YEAR, processes=1, intern=True).report
    result = _publish(draft, str(internal))
    assert result.exit_code == 1
    findings = _findings(result.output)
    assert f"Kopfzeile (Abschnitt 1): Kennzeichnung der internen Fassung „{INTERNAL_MARK}“" in findings
    assert "Dokumenteigenschaft Titel: „Integrationsmonitoring 2024 – interne Fassung“ ist der Titel der internen " \
           "Fassung" in findings


def test_a_missing_report_is_exit_3(draft, tmp_path):
    result = _publish(draft, str(tmp_path / "fehlt.docx"))
    assert result.exit_code == 3
    assert f"Fehler: Der Bericht {tmp_path / 'fehlt.docx'} fehlt." in result.output


def test_two_exports_of_one_store_read_together_give_nothing_away(draft):
    """The issue's case: the editions 2023 and 2024 of one unchanged store, every published cell of both combined."""
    catalogue = load_catalogue(draft.catalogue_file)
    frames = []
    for year in (2023, 2024):
        export = export_open_data(draft, year)
        frames.append(cells_of(list(csv.DictReader(export.csv_path.open(encoding="utf-8"))), catalogue))
    older = frames[0].set_index(["indicator", "year", "area", "group", "sex"])
    newer = frames[1].set_index(["indicator", "year", "area", "group", "sex"]).loc[older.index]
    assert (older["suppressed"] == newer["suppressed"]).all()  # a year is withheld alike in both editions
    assert older["suppressed"].sum() > 10
    result = audit_editions(frames, catalogue)
    assert result.ok and result.editions == 2


def test_a_revision_after_an_edition_is_listed_and_the_editions_together_give_nothing_away(released):
    draft, _output, _printed = released
    catalogue = load_catalogue(draft.catalogue_file)
    with Store(draft.store_file) as store, store.transaction():  # a late correction of a published count
        key, old = next((k, v.value) for k, v in store.values(["DEM-01"], [2023]).items() if k.area == "st01")
        store.put(key, 2, "", "", store.latest_delivery("STAT", 2024)["id"], reason="Korrektur")
    export = export_open_data(draft, YEAR)
    revised = list(csv.DictReader(export.revisions_path.open(encoding="utf-8")))
    assert [(r["Jahr"], r["Gebietsschluessel"], r["Jetzt"], r["Kennzeichen"], r["Bisher veröffentlicht"][:13])
            for r in revised] == [("2023", "01", "", "gesperrt (.)", "Ausgabe 2024 ")]
    assert revised[0]["Bisher"] == str(int(old))
    with Store.read_only(draft.store_file) as store:
        earlier = edition_frames(editions_of(store.editions()), store.edition_cells())
    rows = list(csv.DictReader(export.csv_path.open(encoding="utf-8")))
    result = audit_editions([audit_frame(earlier[0], catalogue), cells_of(rows, catalogue)], catalogue)
    assert result.ok, result.lines(catalogue)


def test_sums_the_published_numbers_contradict_are_said_when_the_edition_is_released(draft, monkeypatch):
    """The audit leaves out a sum the published numbers do not add up to (indicators/audit.py); publish says so as a
    note instead of keeping it to itself. The audit runs for real; only its count of such sums is set."""
    real = toolkit.publish.edition.audit_all_editions

    def contradicted(*args, **kwargs):
        result = real(*args, **kwargs)
        result.contradicted = 2
        return result

    monkeypatch.setattr(toolkit.publish.edition, "audit_all_editions", contradicted)
    assert replace_text(draft.report_file(YEAR), EDITED) == 2
    result = _publish(draft)
    assert result.exit_code == 0, result.output
    assert ("\nHinweis: 2 Summen der veröffentlichten Werte gehen nicht auf (etwa Altersgruppen zweier Gliederungen "
            "mit verschiedener Summe) und wurden nicht verwendet; bitte die Werte prüfen.\n") in result.output
