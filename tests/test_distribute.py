"""distribute: workbooks, drafts, the round in the store, SMTP sending once, and the CLI."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import openpyxl
import pytest
from test_mail import smtp_server, smtp_toml  # noqa: F401 - fixture
from typer.testing import CliRunner

from toolkit.catalogue.model import CITY
from toolkit.cli import app
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import plan_workbook
from toolkit.core.errors import ExitCode, UsageError
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store

runner = CliRunner()


def _use_smtp(workspace, port: int) -> None:
    text = workspace.settings_file.read_text(encoding="utf-8")
    text = text[: text.index("[mail]")] + smtp_toml(port)
    workspace.settings_file.write_text(text, encoding="utf-8")


def test_one_workbook_and_draft_per_office_and_the_round_recorded(workspace, catalogue):
    result = distribute_round(workspace, 2025, deadline="15.04.2026")
    codes = [o.code for o in catalogue.offices_with_indicators()]
    assert result.exit_code == ExitCode.OK and [o.office for o in result.outcomes] == codes
    books = sorted(p.name for p in workspace.workbooks_dir(2025).iterdir())
    assert books == sorted(f"Erhebung_2025_{c}.xlsx" for c in codes)
    drafts = sorted(p.name for p in workspace.mails_dir(2025).iterdir())
    assert drafts == sorted(f"Erhebung_2025_{c}.eml" for c in codes)
    with Store(workspace.store_file) as store:
        rounds = store.rounds(2025)
        sendings = store.sendings(2025)
    assert set(rounds) == set(codes)
    assert rounds["JUGA"]["deadline"] == "2026-04-15"
    assert {s["office"] for s in sendings} == set(codes) and {s["mode"] for s in sendings} == {"entwurf"}
    juga = next(o for o in result.outcomes if o.office == "JUGA")
    assert rounds["JUGA"]["sha256"] == juga.sha256
    props = {p.name: p.value for p in openpyxl.load_workbook(juga.workbook).custom_doc_props.props}
    assert props["Rundenkennung"] == rounds["JUGA"]["token"] and props["Dienststelle"] == "JUGA"
    assert "15.04.2026" in "\n".join(result.lines())


def test_prefill_comes_from_the_store(workspace, catalogue):
    indicator = catalogue.indicators_of_office("WAHL")[0]
    key = ObservationKey(indicator.id, 2023, CITY, indicator.gruppen[0], "insgesamt", indicator.measures[0])
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="WAHL", year=2023, file_name="alt.xlsx", sha256="x", source="import")
        store.put(key, 4711.0, "", "", delivery)
    distribute_round(workspace, 2025, offices=["WAHL"])
    slot = next(s for s in plan_workbook(catalogue, "WAHL", 2025).slots if s.key == key)
    ws = openpyxl.load_workbook(workspace.workbooks_dir(2025) / "Erhebung_2025_WAHL.xlsx")[slot.sheet]
    assert ws[slot.cell].value == 4711


def test_dry_run_writes_nothing_and_creates_no_store(workspace, catalogue):
    result = distribute_round(workspace, 2025, dry_run=True)
    assert not workspace.store_file.exists()
    assert not workspace.year_dir(2025).exists()
    lines = result.lines()
    planned = f"{len(catalogue.offices_with_indicators())} Erhebungsbögen würden für 2025 erstellt"
    assert lines[0].startswith("Probelauf") and any(line.startswith(planned) for line in lines)


def test_token_is_kept_when_the_round_is_written_again(workspace):
    distribute_round(workspace, 2025, offices=["JUGA"])
    with Store(workspace.store_file) as store:
        first = store.rounds(2025)["JUGA"]["token"]
    distribute_round(workspace, 2025, offices=["juga"])
    with Store(workspace.store_file) as store:
        assert store.rounds(2025)["JUGA"]["token"] == first
    assert first.startswith("2025-JUGA-")


def test_unknown_office_lists_valid_codes(workspace):
    with pytest.raises(UsageError) as info:
        distribute_round(workspace, 2025, offices=["XYZ"])
    assert "„XYZ“" in str(info.value) and "JUGA" in str(info.value)


def test_send_delivers_one_mail_per_office_and_never_twice(workspace, catalogue, smtp_server):  # noqa: F811
    recorder, port = smtp_server
    _use_smtp(workspace, port)
    result = distribute_round(workspace, 2025, send=True, deadline="31.03.2026")
    offices = catalogue.offices_with_indicators()
    assert result.exit_code == ExitCode.OK and result.count("gesendet") == len(offices)
    received = {m["X-Integrationsmonitoring-Runde"].split("-")[1]: m for m in recorder.parsed()}
    assert len(recorder.messages) == len(offices) and set(received) == {o.code for o in offices}
    for office in offices:
        message = received[office.code]
        assert message["Subject"] == (f"Integrationsmonitoring 2025: Erhebungsbogen {office.name} – bitte bis "
                                      "31.03.2026 zurücksenden")
        assert "X-Unsent" not in message
        attachment = next(message.iter_attachments())
        workbook = workspace.workbooks_dir(2025) / f"Erhebung_2025_{office.code}.xlsx"
        assert attachment.get_filename() == workbook.name
        assert attachment.get_content() == workbook.read_bytes()
    raw_subject = recorder.messages[0][2].split(b"\r\nSubject: ")[1].split(b"\r\n")[0]
    assert raw_subject.startswith(b"=?utf-8?q?")
    with Store(workspace.store_file) as store:
        sent = [s for s in store.sendings(2025) if s["mode"] == "smtp"]
        rounds = store.rounds(2025)
    assert len(sent) == len(offices) and all(s["ok"] and s["message_id"].startswith("<") for s in sent)
    assert all(s["sha256"] == rounds[s["office"]]["sha256"] for s in sent)

    before = workspace.workbooks_dir(2025).joinpath("Erhebung_2025_JUGA.xlsx").read_bytes()
    second = distribute_round(workspace, 2025, send=True)
    assert len(recorder.messages) == len(offices)  # nothing sent again
    assert second.count("übersprungen") == len(offices)
    assert workspace.workbooks_dir(2025).joinpath("Erhebung_2025_JUGA.xlsx").read_bytes() == before

    third = distribute_round(workspace, 2025, send=True, again=True, offices=["JUGA"])
    assert third.count("gesendet") == 1 and len(recorder.messages) == len(offices) + 1


def test_one_failure_does_not_stop_the_rest(workspace, catalogue, smtp_server):  # noqa: F811
    recorder, port = smtp_server
    _use_smtp(workspace, port)
    juga = catalogue.offices["JUGA"]
    recorder.refuse = {juga.email, juga.vertretung_email}
    result = distribute_round(workspace, 2025, send=True, offices=["WAHL", "JUGA", "SOZ"])
    assert [o.action for o in result.outcomes] == ["gesendet", "fehler", "gesendet"]
    assert result.exit_code == ExitCode.DELIVERY
    assert any("FEHLER" in line and "JUGA" in line for line in result.lines())
    with Store(workspace.store_file) as store:
        failed = [s for s in store.sendings(2025) if not s["ok"]]
    assert [s["office"] for s in failed] == ["JUGA"] and "abgelehnt" in failed[0]["error"]
    recorder.refuse = set()
    retry = distribute_round(workspace, 2025, send=True, offices=["WAHL", "JUGA", "SOZ"])
    assert [o.action for o in retry.outcomes] == ["übersprungen", "gesendet", "übersprungen"]


# ---- CLI ------------------------------------------------------------------------------------------


def test_cli_distribute_writes_workbooks(workspace):
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--office", "JUGA"])
    assert result.exit_code == 0, result.output
    assert "Erhebung_2025_JUGA.xlsx" in result.output and "1 Erhebungsbogen für 2025" in result.output  # was "1 Erhebungsbögen"


def test_cli_distribute_unknown_office_is_a_usage_error(workspace):
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--office", "NIX"])
    assert result.exit_code == ExitCode.USAGE
    assert "„NIX“" in result.output and "Gültige Codes" in result.output


def test_cli_distribute_send_without_server_is_an_input_error(workspace):
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--send"])
    assert result.exit_code == ExitCode.INPUT and "smtp_host" in result.output
    assert not workspace.year_dir(2025).exists()


def test_cli_distribute_dry_run(workspace):
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--dry-run"])
    assert result.exit_code == 0 and "Probelauf" in result.output
    assert not workspace.store_file.exists()


def test_cli_distribute_help_has_example():
    result = runner.invoke(app, ["distribute", "--help"])
    assert result.exit_code == 0 and "Beispiel" in result.output


def test_deadline_defaults_to_settings(workspace):
    """An empty frist is 31.03. of the year after the report year, as toolkit.toml says (was 31.03. two years on)."""
    assert 'leer = 31.03. des Folgejahres' in workspace.settings_file.read_text(encoding="utf-8")
    result = distribute_round(workspace, 2025, offices=["WAHL"])
    assert result.deadline == dt.date(2026, 3, 31)
    draft = (workspace.mails_dir(2025) / "Erhebung_2025_WAHL.eml").read_bytes()
    assert "31.03.2026" in email.message_from_bytes(draft, policy=email.policy.default)["Subject"]


def test_cli_distribute_send_failure_exits_6(workspace, catalogue, smtp_server):  # noqa: F811
    recorder, port = smtp_server
    _use_smtp(workspace, port)
    wahl = catalogue.offices["WAHL"]
    recorder.refuse = {wahl.email, wahl.vertretung_email}
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--send",
                                 "--office", "WAHL", "--office", "SOZ"])
    assert result.exit_code == ExitCode.DELIVERY == 6
    assert "WAHL: FEHLER beim Senden" in result.output and "SOZ: Erhebung_2025_SOZ.xlsx – gesendet" in result.output


def test_cli_distribute_bad_deadline_is_a_usage_error(workspace):
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--deadline", "31.13.2026"])
    assert result.exit_code == ExitCode.USAGE and "31.13.2026" in result.output and "TT.MM.JJJJ" in result.output
    assert not workspace.year_dir(2025).exists()


def test_deadline_in_the_past_is_pointed_out(workspace):
    result = distribute_round(workspace, 2020, deadline="31.03.2021", offices=["WAHL"])
    assert any("liegt in der Vergangenheit" in line for line in result.lines())


def test_large_round_is_written_in_a_process_pool_with_the_same_result(workspace, catalogue, monkeypatch):
    import toolkit.collect.distribute as distribute
    import toolkit.core.runtime as runtime

    offices = [o for o in catalogue.offices_with_indicators()][:4]
    cells = distribute.round_cells(catalogue, offices)
    assert runtime.workers_for("distribute", cells, len(offices)) == 1  # an ordinary round needs no pool
    monkeypatch.setitem(runtime.POOL_THRESHOLDS, "distribute", runtime.PoolThreshold(0))
    monkeypatch.setattr(runtime, "cpu_count", lambda: 2)
    assert runtime.workers_for("distribute", cells, len(offices)) == 2
    result = distribute_round(workspace, 2025, offices=[o.code for o in offices])
    assert result.count("entwurf") == 4
    with Store(workspace.store_file) as store:
        rounds = store.rounds(2025)
    for outcome in result.outcomes:
        assert rounds[outcome.office]["sha256"] == outcome.sha256
        assert rounds[outcome.office]["fingerprint"] == plan_workbook(catalogue, outcome.office, 2025).fingerprint
        props = {p.name: p.value for p in openpyxl.load_workbook(outcome.workbook).custom_doc_props.props}
        assert props["Rundenkennung"] == rounds[outcome.office]["token"]
