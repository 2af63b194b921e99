"""Return tracking and reminders, with deliveries and checks written into the store directly."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json

from test_mail import smtp_server, smtp_toml  # noqa: F401 - fixture
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import plan_workbook
from toolkit.collect.status import OfficeStatus, reminder_reasons, round_status, write_reminders
from toolkit.core.store import Store

runner = CliRunner()
DEADLINE = dt.date(2026, 3, 31)
BEFORE, AFTER = dt.date(2026, 3, 1), dt.date(2026, 4, 15)
OFFICES = ["WAHL", "SOZ", "ORD", "DEZSOZ"]
FEHLER = [{"code": "keine-zahl", "severity": "fehler", "sheet": "Erfassung", "cell": "K5", "indicator": "SOZ-01",
           "message": "„viele“ ist keine Zahl.", "found": "viele", "expected": "Zahl"},
          {"code": "fehlender-wert", "severity": "warnung", "sheet": "Erfassung", "cell": "K6", "indicator": "SOZ-01",
           "message": "Wert fehlt.", "found": "", "expected": ""}]


def _round(workspace, catalogue):
    """WAHL delivered everything on time, SOZ returned a file with Fehler, ORD delivered late, DEZSOZ nothing."""
    distribute_round(workspace, 2025, deadline=DEADLINE, offices=OFFICES)
    with Store(workspace.store_file) as store, store.transaction():
        for office, received in (("WAHL", "2026-03-20T10:00:00"), ("ORD", "2026-04-10T09:00:00")):
            delivery = store.add_delivery(office=office, year=2025, file_name=f"Erhebung_2025_{office}.xlsx",
                                          sha256=office, received_at=received, counts=(0, 1, 0))
            for slot in plan_workbook(catalogue, office, 2025).input_slots():
                store.put(slot.key, 12.0, "", "", delivery)
            store.record_check(sha256=office, file_name=f"Erhebung_2025_{office}.xlsx", office=office, year=2025,
                               ok=True, counts=(0, 1, 0), problems_json="[]")
        store.record_check(sha256="soz", file_name="Erhebung_2025_SOZ.xlsx", office="SOZ", year=2025, ok=False,
                           counts=(1, 1, 0), problems_json=json.dumps(FEHLER))


def test_status_per_office(workspace, catalogue):
    _round(workspace, catalogue)
    status = round_status(workspace, 2025, today=AFTER)
    headers, rows = status.table()
    assert headers == ["Stelle", "Bezeichnung", "Frist", "Versand", "Rücklauf", "Prüfergebnis", "Fehlende Werte",
                       "Überfällig"]
    by_code = {row[0]: dict(zip(headers, row, strict=True)) for row in rows}
    today = dt.date.today().strftime("%d.%m.%Y")
    assert by_code["WAHL"]["Versand"] == f"{today} (Entwurf)" and by_code["WAHL"]["Rücklauf"] == "20.03.2026"
    assert by_code["WAHL"]["Prüfergebnis"] == "0 Fehler, 1 Warnung" and by_code["WAHL"]["Fehlende Werte"] == "0"
    assert by_code["WAHL"]["Überfällig"] == "nein" and by_code["WAHL"]["Frist"] == "31.03.2026"
    assert by_code["SOZ"]["Prüfergebnis"] == "1 Fehler, 1 Warnung"  # was "1 Warnungen"
    assert by_code["SOZ"]["Rücklauf"].endswith("(nicht übernommen)") and by_code["SOZ"]["Überfällig"] == "ja"
    soz_slots = len(plan_workbook(catalogue, "SOZ", 2025).input_slots())
    assert by_code["SOZ"]["Fehlende Werte"] == str(soz_slots)
    assert by_code["ORD"]["Überfällig"] == "nein" and by_code["ORD"]["Rücklauf"] == "10.04.2026"
    assert by_code["DEZSOZ"]["Rücklauf"] == "–" and by_code["DEZSOZ"]["Überfällig"] == "ja"
    others = [row[0] for row in rows if row[0] not in OFFICES]
    assert all(by_code[c]["Versand"] == "nicht versandt" for c in others)
    assert status.delivered == 2 and status.on_time == 1
    text = "\n".join(status.summary_lines())
    assert f"geliefert 2 von {len(rows)} Stellen" in text and "fristgerecht 1" in text
    assert "Überfällig: SOZ, DEZSOZ" in text


def test_status_before_the_deadline_has_nobody_overdue(workspace, catalogue):
    _round(workspace, catalogue)
    status = round_status(workspace, 2025, today=BEFORE)
    assert not any(s.overdue for s in status.offices)


def test_status_json(workspace, catalogue):
    _round(workspace, catalogue)
    data = round_status(workspace, 2025, today=AFTER).as_json()
    json.dumps(data)
    wahl = next(o for o in data["dienststellen"] if o["office"] == "WAHL")
    assert wahl["ruecklauf"] == "2026-03-20" and wahl["fehlende_werte"] == 0 and not wahl["ueberfaellig"]
    assert data["geliefert"] == 2 and data["fristgerecht"] == 1


def test_status_without_store_reads_only(workspace):
    status = round_status(workspace, 2025)
    assert not workspace.store_file.exists()
    assert status.offices and all(s.sent is None for s in status.offices)


def test_reminders_list_what_is_missing_or_wrong(workspace, catalogue):
    _round(workspace, catalogue)
    result = write_reminders(workspace, 2025, today=AFTER)
    assert [office for office, _, _ in result.written] == ["SOZ", "DEZSOZ"]
    reasons = dict((office, r) for office, _, r in result.written)
    today = dt.date.today().strftime("%d.%m.%Y")
    # the return was not taken: said so, with its Fehler; missing is only the cell it left empty (K6), not the
    # cells it filled (Warnungen are not chased)
    assert reasons["SOZ"] == [
        f"Ihre Datei Erhebung_2025_SOZ.xlsx (geprüft am {today}) haben wir nicht übernommen, weil sie 1 Fehler "
        "enthält. Bitte korrigieren Sie ihn und senden Sie den ganzen Bogen erneut.",
        "Fehler in Erfassung!K5 (SOZ-01): „viele“ ist keine Zahl.",
        "Es fehlt 1 Wert zu ARB-11: Erfassung!K6."]
    assert reasons["DEZSOZ"][0].startswith("Der Erhebungsbogen Erhebung_2025_DEZSOZ.xlsx ist noch nicht")
    draft = workspace.mails_dir(2025) / "Erinnerung_2025_SOZ.eml"
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1" and message["To"].addresses[0].addr_spec == catalogue.offices["SOZ"].email
    assert message["Subject"].startswith("Erinnerung: Integrationsmonitoring 2025")
    assert "Erfassung!K5" in message.get_content()
    with Store(workspace.store_file) as store:
        kinds = [(s["office"], s["kind"]) for s in store.sendings(2025) if s["kind"] == "erinnerung"]
    assert kinds == [("SOZ", "erinnerung"), ("DEZSOZ", "erinnerung")]


def test_reminders_not_needed_before_deadline(workspace, catalogue):
    distribute_round(workspace, 2025, deadline=DEADLINE, offices=["WAHL"])
    result = write_reminders(workspace, 2025, today=BEFORE)
    assert result.written == [] and "Keine Erinnerung nötig" in result.lines()[0]


def test_reminders_sent_over_smtp(workspace, catalogue, smtp_server):  # noqa: F811
    recorder, port = smtp_server
    _round(workspace, catalogue)
    text = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(text[: text.index("[mail]")] + smtp_toml(port), encoding="utf-8")
    result = write_reminders(workspace, 2025, send=True, today=AFTER)
    assert [what for _, what, _ in result.written] == ["gesendet", "gesendet"]
    assert len(recorder.messages) == 2


def test_cli_status_exits_0_with_table_and_json(workspace, catalogue):
    _round(workspace, catalogue)
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "Rücklauf" in result.output and "WAHL" in result.output and "geliefert 2 von" in result.output
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["geliefert"] == 2


def test_cli_status_remind_writes_drafts(workspace, catalogue):
    _round(workspace, catalogue)
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root), "--remind"])
    assert result.exit_code == 0, result.output
    assert "Erinnerung" in result.output


def test_cli_status_help_has_example():
    result = runner.invoke(app, ["status", "--help"])
    assert result.exit_code == 0 and "Beispiel" in result.output


def test_cli_status_json_with_remind_keeps_stdout_json(workspace, catalogue):
    _round(workspace, catalogue)
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root), "--format", "json", "--remind"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["geliefert"] == 2 and "Erinnerungen für 2025" in result.stderr


def test_a_reminder_line_names_its_cell_once(catalogue):
    day = dt.date(2026, 4, 2)
    status = OfficeStatus(catalogue.offices["SOZ"], dt.date(2026, 3, 31), returned=day, checked=True, n_fehler=1,
                          file="Erhebung_2025_SOZ.xlsx", file_date=day, problems=[
                              {"severity": "fehler", "code": "plausibilitaet", "sheet": "Erfassung", "cell": "K70",
                               "indicator": "BIL-09", "message": "Erfassung!K70: Zähler 331 > Nenner 314."}])
    # before: "Fehler in Erfassung!K70 (BIL-09): Erfassung!K70: Zähler 331 > Nenner 314."
    assert reminder_reasons(status, 2025)[1] == "Fehler in Erfassung!K70 (BIL-09): Zähler 331 > Nenner 314."
