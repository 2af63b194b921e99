"""Guidance that is true: a reminder after a rejected return says it was not taken and why, and lists as missing only
what is missing; unreadable files are reported once and moved aside; status names them; compile says what is
missing before it builds."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from bad_returns import _docx
from conftest import standing_in
from typer.testing import CliRunner
from workbook_edit import filled_cells, replace_part, set_cells

import toolkit.cli
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import plan_workbook
from toolkit.collect.status import round_status, write_reminders
from toolkit.core.store import Store
from toolkit.merge.intake import merge_returns

runner = CliRunner()
DEADLINE, AFTER = dt.date(2026, 3, 31), dt.date(2026, 4, 15)
TODAY = dt.date.today().strftime("%d.%m.%Y")
JUGA = "Erhebung_2025_JUGA.xlsx"


@pytest.fixture
def round_2025(workspace, catalogue):
    """JUGA and SOZ got their workbooks for 2025; (workspace, JUGA's workbook completely filled)."""
    distribute_round(workspace, 2025, deadline=DEADLINE, offices=["JUGA", "SOZ"])
    sent = workspace.workbooks_dir(2025) / JUGA
    filled = set_cells(sent, workspace.root / "filled.xlsx", filled_cells(plan_workbook(catalogue, "JUGA", 2025)))
    return workspace, filled


def _store(workspace) -> tuple:
    with Store(workspace.store_file) as store:
        return (store.db.execute("SELECT COUNT(*) FROM observations").fetchone()[0],
                [tuple(r)[:5] for r in store.deliveries()])


def _reasons(workspace) -> list[str]:
    result = write_reminders(workspace, 2025, today=AFTER)
    return dict((office, reasons) for office, _, reasons in result.written)["JUGA"]


def test_a_return_with_a_sheet_renamed_is_named_as_not_taken_and_nothing_filled_is_called_missing(round_2025):
    workspace, filled = round_2025
    with zipfile.ZipFile(filled) as book:
        xml = book.read("xl/workbook.xml").replace(b'name="Stadtteile BIL-02"', b'name="Stadtteile"')
    replace_part(filled, workspace.inbox / JUGA, "xl/workbook.xml", xml)
    assert merge_returns(workspace).exit_code == 1
    assert _reasons(workspace) == [
        f"Ihre Datei {JUGA} (geprüft am {TODAY}) haben wir nicht übernommen, weil sie 1 Fehler enthält. Bitte "
        "korrigieren Sie ihn und senden Sie den ganzen Bogen erneut.",
        f"Fehler: In der Datei {JUGA} fehlt das Blatt „Stadtteile BIL-02“ (umbenannt oder "
        "gelöscht). Bitte den zugesandten Bogen unverändert verwenden."]
    draft = (workspace.mails_dir(2025) / "Erinnerung_2025_JUGA.eml").read_text(encoding="utf-8")
    assert "fehlen" not in draft.replace("fehlt uns noch", "")  # no cell of the filled workbook is called missing


def test_a_rejected_return_lists_as_missing_only_the_cells_it_left_empty(round_2025):
    workspace, filled = round_2025
    set_cells(filled, workspace.inbox / JUGA, {("Erfassung", "K5"): "zwölf", ("Erfassung", "K7"): None})
    assert merge_returns(workspace).exit_code == 1
    assert _reasons(workspace) == [
        f"Ihre Datei {JUGA} (geprüft am {TODAY}) haben wir nicht übernommen, weil sie 1 Fehler enthält. Bitte "
        "korrigieren Sie ihn und senden Sie den ganzen Bogen erneut.",
        # the cell named once (before: "Fehler in Erfassung!K5 (SPR-03): In Erfassung!K5 (SPR-03) steht …")
        "Fehler: In Erfassung!K5 (SPR-03) steht „zwölf“ statt einer Zahl. Bitte eine Zahl "
        "eintragen oder die Zelle leer lassen und das Kennzeichen „kein Wert verfügbar“ wählen.",
        "Es fehlt 1 Wert zu SPR-03: Erfassung!K7."]


def test_unreadable_files_are_reported_once_moved_aside_and_named_by_status(round_2025):
    workspace, _ = round_2025
    pdf = workspace.inbox / "Erhebung_2025_JUGA.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    _docx(workspace.inbox / "Erhebung_2025_SOZ.xlsx")  # a Word document renamed
    letter = workspace.inbox / "Anschreiben.pdf"
    letter.write_bytes(pdf.read_bytes() + b"\n")
    # check only reads: it reports them and moves nothing
    checked = runner.invoke(toolkit.cli.app, ["check", "-w", str(workspace.root)])
    assert checked.exit_code == 1 and sorted(p.name for p in workspace.inbox.glob("*.*")) == \
        ["Anschreiben.pdf", "Erhebung_2025_JUGA.pdf", "Erhebung_2025_SOZ.xlsx"]
    with standing_in(workspace.root):
        result = merge_returns(workspace)
        lines = result.lines()
    aside = Path("inbox/nicht_lesbar")
    assert result.exit_code == 1
    assert lines == [
        f"Anschreiben.pdf: nicht lesbar -> {aside / 'Anschreiben.pdf'}",
        f"Erhebung_2025_JUGA.pdf: nicht lesbar -> {aside / 'Erhebung_2025_JUGA.pdf'}",
        f"Erhebung_2025_SOZ.xlsx: nicht lesbar -> {aside / 'Erhebung_2025_SOZ.xlsx'}",
        "3 Dateien sind kein lesbarer Erhebungsbogen und liegen jetzt in inbox/nicht_lesbar/; bitte die Stelle um "
        "den Bogen als .xlsx bitten ('toolkit status --remind' schreibt ihr).",
        f"Monitoringdaten erneuert: {Path('outbox/Monitoringdaten.xlsx')}"]
    assert sorted(p.name for p in workspace.unreadable.iterdir()) == \
        ["Anschreiben.pdf", "Erhebung_2025_JUGA.pdf", "Erhebung_2025_SOZ.xlsx"]
    assert [p.name for p in workspace.inbox.iterdir() if p.is_file()] == []
    assert _store(workspace) == (0, [])
    again = merge_returns(workspace)
    assert again.exit_code == 0 and again.lines() == [
        "In inbox/ liegen keine Dateien; nichts zu übernehmen. Zurückgesandte Erhebungsbögen bitte dort ablegen."]
    headers, rows = round_status(workspace, 2025, today=AFTER).table()
    by_code = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    for office in ("JUGA", "SOZ"):
        assert by_code[office]["Prüfergebnis"] == "Datei nicht lesbar"
        assert by_code[office]["Rücklauf"] == f"{TODAY} (nicht übernommen)"
    assert by_code["SOZ"]["Prüfergebnis"] == "Datei nicht lesbar"
    reasons = _reasons(workspace)
    # before: "… weil sie 1 Fehler enthält. Bitte korrigieren Sie ihn …", then "Fehler in Erhebung_2025_JUGA.xlsx: …",
    # a file nobody sent
    assert reasons == [f"Ihre Datei Erhebung_2025_JUGA.pdf (geprüft am {TODAY}) konnten wir nicht lesen und haben sie "
                       "nicht übernommen. Die Datei Erhebung_2025_JUGA.pdf ist keine Excel- oder LibreOffice-Tabelle. "
                       "Bitte den ausgefüllten Erhebungsbogen als .xlsx senden."]


def test_an_unreadable_file_never_replaces_another_of_that_name(round_2025):
    workspace, _ = round_2025
    workspace.unreadable.mkdir(parents=True)
    (workspace.unreadable / "brief.pdf").write_bytes(b"%PDF-1.4 der erste\n")
    (workspace.inbox / "brief.pdf").write_bytes(b"%PDF-1.4 der zweite\n")
    merge_returns(workspace)
    assert sorted(p.read_bytes() for p in workspace.unreadable.iterdir()) == \
        [b"%PDF-1.4 der erste\n", b"%PDF-1.4 der zweite\n"]


def test_status_says_what_a_report_would_lack(round_2025, catalogue):
    workspace, filled = round_2025
    set_cells(filled, workspace.inbox / JUGA, {("Erfassung", "K7"): None})
    assert merge_returns(workspace).exit_code == 0
    status = round_status(workspace, 2025, today=AFTER)
    missing = {s.office.code: len(s.missing) for s in status.offices}
    assert missing["JUGA"] == 1 and missing["SOZ"] == len(plan_workbook(catalogue, "SOZ", 2025).input_slots())
    short = {code: n for code, n in missing.items() if n}
    listed = ", ".join(f"{code} ({_german(n)} {'Wert' if n == 1 else 'Werte'})" for code, n in short.items())
    total = _german(sum(short.values()))
    assert status.gaps_lines() == [
        f"Stand 2025: geliefert haben 1 von {len(missing)} Stellen. Es fehlen noch {total} aktuelle Werte von "
        f"{len(short)} Stellen: {listed}.",
        "Der Bericht wird mit diesem Stand erstellt; 'toolkit status --year 2025' zeigt, was fehlt."]


def _german(n: int) -> str:
    return f"{n:,}".replace(",", ".")
