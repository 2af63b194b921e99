"""The catalogue checked as a whole: a sheet disclosure control depends on cannot vanish silently, and Typ, Einheit
and Faktor of an indicator must fit together (catalogue/sheets.SHARE_UNITS)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import standing_in
from openpyxl import load_workbook
from typer.testing import CliRunner

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import build_catalogue, default_rows, load_catalogue
from toolkit.catalogue.sheets import DEFAULT_LINKS_NOTICE, INDICATORS, SHARE_UNITS, cell_ref
from toolkit.cli import app
from toolkit.core.errors import CatalogueError
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store

runner = CliRunner()

RESTORE = ("Bitte das Blatt wiederherstellen (Excel: Rückgängig oder eine Sicherung) oder aus einem neuen Katalog "
           "kopieren ('toolkit init NEUER_ORDNER', dort templates/Indikatorenmatrix.xlsx; in Excel: Blatt > Verschieben "
           "oder kopieren).")


def _output(result) -> str:
    return " ".join(result.output.split())


def _without_sheet(path, name: str, *, from_notes: bool = False) -> None:
    book = load_workbook(path)
    del book[name]
    if from_notes:  # a catalogue of a version before the sheet: its notes do not list it either
        notes = book["Hinweise"]
        for row in range(1, notes.max_row + 1):
            if str(notes.cell(row, 1).value or "").startswith(f"{name}: "):
                notes.cell(row, 1).value = None
    book.save(path)


def test_a_deleted_gleiche_zahlen_sheet_is_an_error(workspace):
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="x.xlsx", sha256="a" * 64, counts=(0, 0, 0))
        store.put(ObservationKey("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert"), 245834, "", "",
                  delivery)
    before = workspace.store_file.read_bytes()
    _without_sheet(workspace.catalogue_file, "Gleiche Zahlen")
    with standing_in(workspace.root.parent):  # the catalogue named from where the user stands (before: full path)
        result = runner.invoke(app, ["compile", "--year", "2024", "-w", "ws"])
    assert result.exit_code == 3, result.output
    assert _output(result) == " ".join((
        f"Fehler: Der Indikatorenkatalog {Path('ws/templates/Indikatorenmatrix.xlsx')} enthält 1 Fehler: - Blatt "
        "Gleiche Zahlen fehlt",
        "(gelöscht oder umbenannt?). Es sagt der Geheimhaltung, welche Kennzahlen dieselbe Zahl veröffentlichen; ohne",
        "es ließen sich gesperrte Zahlen aus anderen Kennzahlen zurückrechnen.", RESTORE,
        # before: "… heißt: keine Einträge Bitte die genannten Zellen in Excel korrigieren …", no cell named
        "Ein Blatt Gleiche Zahlen, das nur die Kopfzeile hat, heißt: keine Einträge. Danach den Befehl erneut",
        "starten."))
    assert workspace.store_file.read_bytes() == before
    assert not workspace.report_file(2024).exists()


def test_a_deleted_series_breaks_sheet_is_an_error_too(tmp_path):
    path = tmp_path / "Indikatorenmatrix.xlsx"
    write_catalogue_workbook(path)
    _without_sheet(path, "Zeitreihenbrueche")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert caught.value.problems == [
        "Blatt Zeitreihenbrueche fehlt (gelöscht oder umbenannt?). Es nennt die Brüche der Zeitreihen; ohne es würden "
        f"Trends über einen Bruch hinweg bewertet. {RESTORE} Ein Blatt Zeitreihenbrueche, das nur die Kopfzeile hat, "
        "heißt: keine Einträge."]


def test_an_empty_sheet_with_its_header_declares_none(tmp_path):
    rows = default_rows()
    rows["Gleiche Zahlen"] = []
    path = tmp_path / "Indikatorenmatrix.xlsx"
    write_catalogue_workbook(path, rows)
    catalogue = load_catalogue(path)
    assert catalogue.links == () and catalogue.notices == ()


def test_a_catalogue_before_the_sheet_gets_the_default_links_and_says_so(tmp_path, catalogue):
    rows = default_rows()
    rows["Indikatoren"] = [r for r in rows["Indikatoren"] if r.values["id"] not in ("DEM-04", "REC-02")]
    path = tmp_path / "Indikatorenmatrix.xlsx"
    write_catalogue_workbook(path, rows)
    _without_sheet(path, "Gleiche Zahlen", from_notes=True)
    old = load_catalogue(path)
    kept = [link for link in catalogue.links if {link.indikator, link.gleich_indikator}.isdisjoint({"DEM-04", "REC-02"})]
    assert list(old.links) == kept and len(kept) == len(catalogue.links) - 2
    assert old.notices == (DEFAULT_LINKS_NOTICE.format(count=len(kept)),)
    assert "verwendet die Geheimhaltung die 14 gleichen Zahlen des Standardkatalogs" in old.notices[0]


def _unit_error(typ: str, unit: str, factor: str) -> tuple[int, list[str]]:
    """The problems of the catalogue with Typ, Einheit and Faktor of one indicator of that Typ (declared in no
    Gleiche Zahlen, which a change of Typ would break as well) changed; and its row."""
    rows = copy.deepcopy(default_rows())
    row = next(r for r in rows["Indikatoren"] if r.values["id"] == ("DEM-07" if typ == "quote" else "DEM-06"))
    row.values.update(typ=typ, einheit=unit, faktor=factor)
    with pytest.raises(CatalogueError) as caught:
        build_catalogue(rows, "Indikatorenmatrix.xlsx")
    return row.row, caught.value.problems


SHARES = "„%“ mit 100, „Prozent“ mit 100, „‰“ mit 1.000, „Promille“ mit 1.000, „je 1.000“ mit 1.000, „je 10.000“ " \
         "mit 10.000, „je 100.000“ mit 100.000"


@pytest.mark.parametrize(("typ", "unit", "factor", "why"), [
    ("anzahl", "%", "100", "eine Anzahl wird als ganze Zahl geliefert (Einheit z. B. „Anzahl“ oder „Personen“, "
                           "Faktor 1); für einen Anteil bitte Typ „quote“ (Zähler und Nenner) oder „wert“ wählen"),
    ("anzahl", "Anzahl", "100", "eine Anzahl wird als ganze Zahl geliefert (Einheit z. B. „Anzahl“ oder „Personen“, "
                                "Faktor 1); für einen Anteil bitte Typ „quote“ (Zähler und Nenner) oder „wert“ wählen"),
    ("quote", "%", "1000", f"eine Quote braucht eine Einheit mit ihrem Faktor: {SHARES}"),
    ("quote", "Anzahl", "1", f"eine Quote braucht eine Einheit mit ihrem Faktor: {SHARES}"),
    ("wert", "Tage", "100", f"ein fertiger Wert hat als Anteil die Einheit mit ihrem Faktor ({SHARES}), sonst (Index, "
                            "Tage, Euro …) Faktor 1"),
    ("wert", "%", "1", f"ein fertiger Wert hat als Anteil die Einheit mit ihrem Faktor ({SHARES}), sonst (Index, "
                       "Tage, Euro …) Faktor 1"),
])
def test_typ_einheit_and_faktor_must_fit(typ, unit, factor, why):
    shown = f"{int(factor):,}".replace(",", ".")
    row, problems = _unit_error(typ, unit, factor)
    assert problems == [
        f"Blatt Indikatoren, Zeile {row}, Spalte „Einheit“ (I{row}): Typ „{typ}“ mit Einheit „{unit}“ und Faktor {shown} passt "
        f"nicht zusammen: {why}."]


def test_the_allowed_combinations_pass(catalogue):
    rows = copy.deepcopy(default_rows())
    row = next(r for r in rows["Indikatoren"] if r.values["id"] == "DEM-02")
    for unit, factor in SHARE_UNITS.items():
        row.values.update(einheit=unit, faktor=str(factor))
        assert build_catalogue(rows, "x").indicators["DEM-02"].einheit == unit
    assert {(i.typ, i.einheit, i.faktor) for i in catalogue.indicators.values()} >= {
        ("anzahl", "Anzahl", 1), ("quote", "%", 100), ("wert", "Index", 1), ("wert", "%", 100)}


def test_a_zieljahr_needs_a_zielwert_and_both_are_read(workspace):
    rows = copy.deepcopy(default_rows())
    row = next(r for r in rows["Indikatoren"] if r.values["id"] == "ARB-03")
    row.values.update(zieljahr="2027")
    with pytest.raises(CatalogueError) as caught:
        build_catalogue(rows, "Indikatorenmatrix.xlsx")
    column = cell_ref(INDICATORS, "zieljahr", row.row)
    assert caught.value.problems == [
        f"Blatt Indikatoren, Zeile {row.row}, Spalte „Zieljahr“ ({column}): ein Zieljahr ohne Zielwert sagt nichts; "
        "bitte den Zielwert eintragen oder das Zieljahr löschen."]
    row.values.update(zielwert="8,5")
    write_catalogue_workbook(workspace.catalogue_file, rows)
    indicator = load_catalogue(workspace.catalogue_file).indicators["ARB-03"]
    assert (indicator.zielwert, indicator.zieljahr) == (8.5, 2027)
    assert load_catalogue().indicators["ARB-03"].zieljahr is None  # the default catalogue sets no target
