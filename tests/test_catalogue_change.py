"""A catalogue change after distribution: distribute and status name it with the offices it affects, and a return
made with the earlier workbook is read by its own layout (kept in the store at distribution) or refused with the
reason."""

from __future__ import annotations

import copy
import sqlite3

import pytest
from typer.testing import CliRunner
from workbook_edit import filled_cells, set_cells

import toolkit.cli
from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import load_catalogue
from toolkit.catalogue.sheets import workbook_rows
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import plan_workbook
from toolkit.collect.layout_history import earlier_plan, snapshot
from toolkit.core.cells import german_date
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store

runner = CliRunner()
YEAR = 2024


def _run(workspace, *args: str) -> tuple[int, str]:
    result = runner.invoke(toolkit.cli.app, [*args, "-w", str(workspace.root)])
    return result.exit_code, " ".join(result.output.split())


def _add_indicator(workspace) -> None:
    """TEI-09 for WAHL, a copy of TEI-01: the catalogue changes after WAHL got its workbook."""
    rows = workbook_rows(workspace.catalogue_file)
    new = copy.deepcopy(next(r for r in rows["Indikatoren"] if r.values["id"] == "TEI-01"))
    new.values["id"] = "TEI-09"
    rows["Indikatoren"].append(new)
    write_catalogue_workbook(workspace.catalogue_file, rows)


def _remove_indicator(workspace, ident: str) -> None:
    rows = workbook_rows(workspace.catalogue_file)
    rows["Indikatoren"] = [r for r in rows["Indikatoren"] if r.values["id"] != ident]
    write_catalogue_workbook(workspace.catalogue_file, rows)


@pytest.fixture
def returned(workspace, catalogue):
    """WAHL's workbook of 2024 (a Stadtrat election: TEI-02 is asked), distributed, filled and returned to inbox/ (made
    with the catalogue of then)."""
    outcome = distribute_round(workspace, YEAR, offices=["WAHL"]).outcomes[0]
    plan = plan_workbook(catalogue, "WAHL", YEAR)
    set_cells(outcome.workbook, workspace.inbox / outcome.workbook.name, filled_cells(plan))
    with Store(workspace.store_file) as store:
        made = german_date(store.rounds(YEAR)["WAHL"]["created_at"])
    return plan, made


def _values(workspace) -> dict[ObservationKey, float]:
    with Store(workspace.store_file) as store:
        return {key: v.value for key, v in store.values().items()}


def test_the_layout_kept_at_distribution_rebuilds_the_same_plan(catalogue):
    for office in catalogue.offices_with_indicators():
        plan = plan_workbook(catalogue, office.code, YEAR)
        again = earlier_plan(snapshot(catalogue, office.code), office.code, YEAR, plan.fingerprint)
        assert again is not None and again.slots == plan.slots


def test_a_return_made_before_a_new_indicator_is_read_by_its_own_layout(workspace, returned):
    plan, made = returned
    _add_indicator(workspace)
    code, output = _run(workspace, "status", "--year", str(YEAR))
    assert code == 0, output
    assert (f"Katalog geändert seit dem Bogen für WAHL vom {made}: seitdem kam TEI-09 hinzu; ein Rücklauf damit wird "
            "nach dessen Aufbau gelesen, was seitdem hinzukam, fehlt darin. Neuen Bogen senden: 'toolkit distribute "
            "--year 2024 --office WAHL --again'.") in output
    code, output = _run(workspace, "distribute", "--year", str(YEAR), "--office", "WAHL", "--dry-run")
    assert code == 0, output
    assert output.endswith(f"Achtung: Der Katalog wurde geändert, seit der Bogen für WAHL am {made} erstellt wurde; "
                           "seitdem kam TEI-09 hinzu. Der neue Bogen würde den früheren ersetzen. Ein Rücklauf mit dem "
                           "früheren Bogen wird nach dessen Aufbau gelesen; was seitdem hinzukam, fehlt darin.")
    result = runner.invoke(toolkit.cli.app, ["check", "--format", "json", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert f"Die Datei Erhebung_2024_WAHL.xlsx ist ein Bogen vom {made}, erstellt mit einem früheren Katalog; " \
           "seitdem kam TEI-09 hinzu. Sie wird nach dem damaligen Aufbau gelesen." in result.stdout
    code, output = _run(workspace, "merge")
    assert code == 0, output
    assert "Erhebung_2024_WAHL.xlsx: übernommen" in output
    expected = {s.key: value for s in plan.input_slots() for (sheet, cell), value in filled_cells(plan).items()
                if (sheet, cell) == (s.sheet, s.cell)}
    assert _values(workspace) == expected  # exactly the returned cells, none of the new TEI-09


def test_a_return_with_values_the_catalogue_lost_is_refused(workspace, returned):
    plan, made = returned
    _remove_indicator(workspace, "TEI-02")
    cells = [s.address for s in plan.input_slots() if s.key.indicator == "TEI-02"]
    listed = ", ".join(cells[:5]) + (f" und {len(cells) - 5} weiteren" if len(cells) > 5 else "")
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    with Store(workspace.store_file) as store:
        [check] = store.checks(YEAR)
        assert store.values() == {}
    assert (f"Der Bogen Erhebung_2024_WAHL.xlsx wurde am {made} mit einem früheren Katalog erstellt; seitdem fiel "
            f"TEI-02 weg. Die Werte in {listed} gehören zu nichts, was der Katalog jetzt kennt, und werden nicht "
            "übernommen. Bitte den neuen Bogen verwenden (die Koordination erzeugt ihn mit 'toolkit distribute --year "
            "2024 --office WAHL --again').") in check["problems_json"]
    assert (workspace.inbox / "Erhebung_2024_WAHL.xlsx").is_file()


def test_a_workbook_of_an_earlier_version_without_its_layout_is_refused_with_the_reason(workspace, returned):
    _plan, made = returned
    with sqlite3.connect(workspace.store_file) as db:  # a round distributed before layouts were kept
        db.execute("DELETE FROM layouts")
    _add_indicator(workspace)
    before = workspace.store_file.read_bytes()
    result = runner.invoke(toolkit.cli.app, ["check", "--format", "json", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    assert (f"Der Bogen Erhebung_2024_WAHL.xlsx wurde am {made} mit einem früheren Katalog erstellt; dessen Aufbau ist "
            "nicht gespeichert (versandt mit einer früheren Version des Werkzeugs), daher kann er nicht gelesen werden. "
            "Bitte den neuen Bogen verwenden (die Koordination erzeugt ihn mit 'toolkit distribute --year 2024 "
            "--office WAHL --again').") in result.stdout
    assert workspace.store_file.read_bytes() == before
    code, output = _run(workspace, "status", "--year", str(YEAR))
    assert (f"Katalog geändert seit dem Bogen für WAHL vom {made}: seitdem änderte sich der Aufbau des Bogens; ein "
            "Rücklauf damit kann nicht gelesen werden (sein Aufbau ist nicht gespeichert).") in output


def test_distribute_again_names_the_change_and_keeps_the_earlier_layout_readable(workspace, returned):
    _plan, made = returned
    _add_indicator(workspace)
    code, output = _run(workspace, "distribute", "--year", str(YEAR), "--office", "WAHL")
    assert code == 0, output
    assert (f"Achtung: Der Katalog wurde geändert, seit der Bogen für WAHL am {made} erstellt wurde; seitdem kam "
            "TEI-09 hinzu. Der neue Bogen ersetzt den früheren; falls dieser schon verschickt ist: Ein Rücklauf mit "
            "dem früheren Bogen wird nach dessen Aufbau gelesen; was seitdem hinzukam, fehlt darin.") in output
    code, output = _run(workspace, "status", "--year", str(YEAR))
    assert "Katalog geändert" not in output  # the round now has today's layout
    code, output = _run(workspace, "merge")  # the return made with the first workbook is still read
    assert code == 0 and "Erhebung_2024_WAHL.xlsx: übernommen" in output, output
    assert load_catalogue(workspace.catalogue_file).indicators["TEI-09"]
