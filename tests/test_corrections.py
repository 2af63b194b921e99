"""Order and correction: several returns of one office in one merge count in the order the office saved them, never
by file name; what cannot be ordered is refused by name; content, not the file name, decides what is "schon
übernommen"; a delivery can be withdrawn (its values go back to what they were before it)."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import make_workspace, standing_in
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner
from workbook_edit import filled_cells, generate, replace_part, saved_at, set_cells

import toolkit.cli
from toolkit.collect.layout import plan_workbook
from toolkit.collect.status import reminder_reasons, round_status
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.merge.intake import merge_returns

runner = CliRunner()
KEY = ObservationKey("SPR-03", 2025, "gesamtstadt", "insgesamt", "insgesamt", "zaehler")  # Erfassung!K5
FIRST, SECOND = "Erhebung_2025_JUGA.xlsx", "Erhebung_2025_JUGA (2).xlsx"
MONDAY, FRIDAY = dt.datetime(2026, 3, 10, 9, 0), dt.datetime(2026, 3, 14, 10, 12)


@pytest.fixture(scope="module")
def returns(tmp_path_factory, catalogue) -> dict[object, Path]:
    """Clean JUGA returns with 500, 510 or 520 in Erfassung!K5 (SPR-03 Zähler), complete; "ohne K7": 500 and
    Erfassung!K7 (SPR-03 mit_mh_kita Zähler) left empty."""
    root = tmp_path_factory.mktemp("order")
    blank = generate(root / "blank.xlsx", catalogue, "JUGA", 2025)
    cells = filled_cells(plan_workbook(catalogue, "JUGA", 2025))
    made: dict[object, Path] = {value: set_cells(blank, root / f"{value}.xlsx", {**cells, ("Erfassung", "K5"): value})
                                for value in (500, 510, 520)}
    made["ohne K7"] = set_cells(blank, root / "ohne_K7.xlsx", {**cells, ("Erfassung", "K5"): 500,
                                                                 ("Erfassung", "K7"): None})
    return made


def _workspace(tmp_path: Path):
    """A working folder whose store holds 444 for SPR-03 2025 (an earlier import)."""
    workspace = make_workspace(tmp_path / "ws")
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="Import", year=2025, file_name="alt.csv", sha256="a" * 64, source="import")
        store.put_many([(KEY, 444.0, "", "", "Import alt.csv")], delivery)
    return workspace


def _merge(workspace) -> tuple[int, str]:
    """Exit code, and the printed lines followed by every message (the CLI prints those in a table that wraps)."""
    with standing_in(workspace.root):
        result = merge_returns(workspace)
        lines = [*result.lines(), *(p.message for r in result.reports for p in r.problems)]
    return int(result.exit_code), " ".join(" ".join(lines).split())


def _cli_merge(workspace) -> tuple[int, str]:
    with standing_in(workspace.root):
        result = runner.invoke(toolkit.cli.app, ["merge"])
    return result.exit_code, " ".join(result.output.split())


def _chain(workspace) -> list[tuple]:
    """The value of KEY through time: (old, new, file of the new value), oldest first."""
    with Store(workspace.store_file) as store:
        return [(r["old_value"], r["new_value"], r["new_file"]) for r in store.history_rows("SPR-03")
                if (r["area"], r["grp"], r["sex"], r["measure"], r["age"], r["nationality"]) == KEY[2:]]


def _value(workspace) -> float | None:
    with Store(workspace.store_file) as store:
        stored = store.get(KEY)
    return None if stored is None else stored.value


def _store_state(workspace) -> tuple:
    with Store(workspace.store_file) as store:
        return (tuple(tuple(r) for r in store.db.execute("SELECT * FROM observations ORDER BY 1,2,3,4,5,6")),
                tuple(tuple(r)[:5] for r in store.deliveries()),
                tuple(tuple(r) for r in store.db.execute("SELECT * FROM history ORDER BY id")))


def test_the_return_saved_later_wins_although_its_name_sorts_first(tmp_path, returns):
    workspace = _workspace(tmp_path)
    saved_at(returns[500], workspace.inbox / FIRST, MONDAY)
    saved_at(returns[510], workspace.inbox / SECOND, FRIDAY, mtime=MONDAY)  # copied before the first: no matter
    code, output = _cli_merge(workspace)
    assert code == 0, output
    assert (f"{SECOND}: übernommen (0 neue Werte, 1 geänderter Wert) -> {Path('archive/2025/JUGA/Erhebung_2025_JUGA _2_.xlsx')} "
            f"{SECOND} (gespeichert 14.03.2026 10:12) ersetzt {FIRST} (gespeichert 10.03.2026 09:00)") in output
    assert output.index(f"{FIRST}: übernommen") < output.index(f"{SECOND}: übernommen")
    assert _value(workspace) == 510
    assert _chain(workspace) == [(444, 500, FIRST), (500, 510, SECOND)]


def test_equal_document_times_are_ordered_by_the_file_time(tmp_path, returns):
    workspace = _workspace(tmp_path)
    saved_at(returns[510], workspace.inbox / "a.xlsx", FRIDAY, mtime=FRIDAY)
    saved_at(returns[500], workspace.inbox / "b.xlsx", FRIDAY, mtime=MONDAY)
    code, output = _merge(workspace)
    assert code == 0, output
    assert "a.xlsx (gespeichert 14.03.2026 10:12) ersetzt b.xlsx (gespeichert 14.03.2026 10:12)" in output
    assert _value(workspace) == 510


def test_returns_saved_at_the_same_time_with_different_values_are_both_refused(tmp_path, returns):
    workspace = _workspace(tmp_path)
    saved_at(returns[500], workspace.inbox / FIRST, FRIDAY)
    saved_at(returns[510], workspace.inbox / SECOND, FRIDAY)
    before = _store_state(workspace)
    code, output = _merge(workspace)
    assert code == 1
    for this, other in ((FIRST, SECOND), (SECOND, FIRST)):
        mine, theirs = ("500", "510") if this == FIRST else ("510", "500")
        assert (f"Die Dateien {this} und {other} (Stelle JUGA, 2025) wurden zur selben Zeit gespeichert "
                f"(14.03.2026 10:12), enthalten aber verschiedene Werte: Erfassung!K5: {mine} bzw. {theirs}. Welche "
                "Fassung gilt, ist nicht zu erkennen; keine wird übernommen. Bitte die überholte Datei aus inbox/ "
                "entfernen und 'toolkit merge' erneut starten.") in output
        assert f"{this}: nicht übernommen" in output
    assert sorted(p.name for p in workspace.inbox.iterdir()) == [SECOND, FIRST]
    after = _store_state(workspace)
    assert after[0] == before[0] and after[1] == before[1] and after[2] == before[2]


def test_returns_saved_at_the_same_time_with_the_same_values_count_once(tmp_path, returns):
    workspace = _workspace(tmp_path)
    saved_at(returns[510], workspace.inbox / FIRST, FRIDAY)
    # other bytes (another application part), the same values
    with zipfile.ZipFile(workspace.inbox / FIRST) as book:
        app = book.read("docProps/app.xml").replace(b"</Properties>", b"<Manager>x</Manager></Properties>")
    replace_part(workspace.inbox / FIRST, workspace.inbox / SECOND, "docProps/app.xml", app)
    shutil.copystat(workspace.inbox / FIRST, workspace.inbox / SECOND)
    code, output = _merge(workspace)
    assert code == 0, output
    assert f"{SECOND}: übernommen (169 neue Werte, 1 geänderter Wert)" in output
    assert f"{FIRST}: bereits übernommen -> {Path('archive/2025/JUGA') / FIRST}" in output
    assert (f"Die Datei {FIRST} enthält dieselben Werte wie {SECOND}, die eben übernommen wurde; es ändert sich "
            "nichts.") in output
    assert _chain(workspace) == [(444, 510, SECOND)]
    assert list(workspace.inbox.glob("*.xlsx")) == []


def test_the_archived_original_put_back_is_a_new_delivery(tmp_path, returns):
    """Content decides: the file of delivery 2 again, after delivery 3 changed its value, restores that value."""
    workspace = _workspace(tmp_path)
    saved_at(returns[500], workspace.inbox / FIRST, MONDAY)
    assert _merge(workspace)[0] == 0
    saved_at(returns[510], workspace.inbox / SECOND, FRIDAY)
    assert _merge(workspace)[0] == 0
    shutil.copyfile(workspace.archive / "2025" / "JUGA" / FIRST, workspace.inbox / FIRST)
    code, output = _merge(workspace)
    assert code == 0, output
    assert f"{FIRST}: übernommen (0 neue Werte, 1 geänderter Wert)" in output
    assert (f"Die Datei {FIRST} (gespeichert 10.03.2026 09:00) ist älter als die schon übernommene Lieferung 3 "
            f"({SECOND}, gespeichert 14.03.2026 10:12). Ihre Werte gelten jetzt, wo sie sich unterscheiden. War das "
            "nicht gewollt, diese Lieferung mit 'toolkit withdraw' zurückziehen.") in output
    assert _value(workspace) == 500
    assert _chain(workspace) == [(444, 500, FIRST), (500, 510, SECOND), (510, 500, FIRST)]
    with Store(workspace.store_file) as store:
        assert [(r["id"], r["file_name"]) for r in store.deliveries()] == [(1, "alt.csv"), (2, FIRST), (3, SECOND),
                                                                           (4, FIRST)]
    # and once more: now its values hold, so it is "bereits übernommen" and nothing changes
    before = _store_state(workspace)
    shutil.copyfile(workspace.archive / "2025" / "JUGA" / FIRST, workspace.inbox / FIRST)
    code, output = _merge(workspace)
    assert code == 0 and f"{FIRST}: bereits übernommen" in output
    assert f"Die Datei {FIRST} wurde schon übernommen (Lieferung 4); es ändert sich nichts." in output
    assert _store_state(workspace) == before


# ---- toolkit withdraw ----------------------------------------------------------------------------------------------

K7 = ObservationKey("SPR-03", 2025, "gesamtstadt", "mit_mh_kita", "insgesamt", "zaehler")
REASON = "Falsche Fassung geschickt"


def _two_deliveries(tmp_path: Path, returns: dict):
    """444 imported (1); A: 500 and K7 empty (2); B: 510 and K7 filled (3). Returns the folder and the store as it
    was after A."""
    workspace = _workspace(tmp_path)
    saved_at(returns["ohne K7"], workspace.inbox / FIRST, MONDAY)
    assert _merge(workspace)[0] == 0
    after_a = _store_state(workspace)
    saved_at(returns[510], workspace.inbox / SECOND, FRIDAY)
    assert _merge(workspace)[0] == 0
    return workspace, after_a


def _withdraw(workspace, *args: str) -> tuple[int, str]:
    with standing_in(workspace.root):
        result = runner.invoke(toolkit.cli.app, ["withdraw", *args])
    return result.exit_code, " ".join(result.output.split())


def _merged_at(workspace, delivery: int) -> str:
    with Store(workspace.store_file) as store:
        row = next(r for r in store.deliveries() if r["id"] == delivery)
    return dt.datetime.fromisoformat(row["merged_at"]).strftime("%d.%m.%Y %H:%M")


def test_withdrawing_the_correction_restores_the_values_it_replaced_and_removes_those_it_added(tmp_path, returns,
                                                                                               monkeypatch):
    monkeypatch.setenv("USER", "mmeier")
    monkeypatch.setenv("LOGNAME", "mmeier")
    monkeypatch.setenv("USERNAME", "mmeier")
    workspace, after_a = _two_deliveries(tmp_path, returns)
    with Store(workspace.store_file) as store:
        assert store.get(KEY).value == 510 and store.get(K7) is not None
    history_before = _store_state(workspace)[2]
    code, output = _withdraw(workspace, SECOND, "--reason", REASON)
    assert code == 0, output
    assert output == (
        f"Lieferung 3 ({SECOND}, JUGA 2025, übernommen am {_merged_at(workspace, 3)}) zurückgezogen. "
        "Auf den Stand davor zurückgesetzt: 1 Wert; entfernt, weil es sie vorher nicht gab: 1 Wert. "
        "168 Werte der Lieferung bleiben, weil andere Lieferungen sie ebenso geliefert oder später geändert haben. "
        f"Protokolliert als Lieferung 4 mit dem Grund „{REASON}“; 'toolkit log' zeigt jede Änderung. "
        f"Monitoringdaten erneuert: {Path('outbox/Monitoringdaten.xlsx')}")
    after = _store_state(workspace)
    assert after[0] == after_a[0]  # every value, with its delivery, as it was after A
    assert after[2][:len(history_before)] == history_before  # the history is only added to
    history = {name: n for n, name in enumerate(("id", "indicator", "year", "area", "grp", "sex", "measure", "age",
                                                  "nationality", "old_value", "old_flag", "old_note", "old_delivery_id",
                                                  "new_value", "new_flag", "new_delivery_id", "changed_at", "reason"))}
    added = [(r[1:9], *(r[history[c]] for c in ("old_value", "new_value", "old_delivery_id", "new_delivery_id",
                                                "reason"))) for r in after[2][len(history_before):]]
    why = f"zurückgezogen von mmeier: {REASON}"
    assert added == [(tuple(KEY), 510.0, 500.0, 3, 4, f"{why}; wieder der Wert von Lieferung 2"),
                     (tuple(K7), 1200.0, None, 3, 4, f"{why}; Wert entfernt (vorher gab es keinen)")]
    with Store(workspace.store_file) as store:
        rows = {r["id"]: r for r in store.deliveries()}
    assert rows[3]["withdrawn_by"] == 4
    assert (rows[4]["source"], rows[4]["file_name"], rows[4]["note"]) == \
        ("withdrawal", f"Rücknahme der Lieferung 3 ({SECOND})", f"mmeier: {REASON}")
    # the master matrix follows: the value and its delivery as after A, the withdrawal in the delivery list
    book = CalamineWorkbook.from_path(str(workspace.master_matrix))
    values = book.get_sheet_by_name("Werte").to_python()
    assert [r[8:14] for r in values if r[:8] == ["SPR-03", 2025.0, "Gesamtstadt", "Insgesamt", "Insgesamt", "alle",
                                                 "alle", "Zähler"]] == [[500.0, "", "", 2.0, "JUGA", FIRST]]
    deliveries = book.get_sheet_by_name("Lieferungen").to_python()
    header = deliveries[0]
    assert [(r[0], r[4], r[header.index("Zurückgezogen durch")]) for r in deliveries[1:]] == \
        [(1.0, "Import", ""), (2.0, "Rücklauf", ""), (3.0, "Rücklauf", 4.0), (4.0, "Rücknahme", "")]
    log = runner.invoke(toolkit.cli.app, ["log", "--indicator", "SPR-03", "-w", str(workspace.root)])
    assert (f"510 → 500 (neu: JUGA, Rücknahme der Lieferung 3 ({SECOND}); vorher: {SECOND}; Grund: {why}; wieder der "
            "Wert von Lieferung 2)") in " ".join(log.output.split())


def test_withdrawing_twice_or_an_unknown_delivery_is_refused_and_changes_nothing(tmp_path, returns):
    workspace, _ = _two_deliveries(tmp_path, returns)
    # named by a file with its content (relative to the working folder): the archived copy of delivery 3
    code, output = _withdraw(workspace, "archive/2025/JUGA/Erhebung_2025_JUGA _2_.xlsx", "--reason", REASON)
    assert code == 0 and output.startswith(f"Lieferung 3 ({SECOND}, JUGA 2025,")
    before, matrix = _store_state(workspace), workspace.master_matrix.stat().st_mtime_ns
    code, output = _withdraw(workspace, SECOND, "--reason", REASON)
    assert code == 2
    assert output == (f"Fehler: Die Lieferung 3 ({SECOND}) wurde schon am {_merged_at(workspace, 4)} zurückgezogen "
                      "(Lieferung 4); es ändert sich nichts.")
    code, output = _withdraw(workspace, "4", "--reason", REASON)
    assert code == 2
    assert output == ("Fehler: Die Lieferung 4 ist selbst die Rücknahme der Lieferung 3 und kann nicht zurückgezogen "
                      "werden. Sollen die Werte der Lieferung 3 wieder gelten: ihre Datei (archive/2025/JUGA/"
                      "Erhebung_2025_JUGA _2_.xlsx) erneut in inbox/ legen und 'toolkit merge' starten (eine Tabelle: "
                      "erneut 'toolkit import').")
    code, output = _withdraw(workspace, "Erhebung_2025_ABH.xlsx", "--reason", REASON)
    assert code == 2
    assert output == ("Fehler: Eine Lieferung „Erhebung_2025_ABH.xlsx“ gibt es nicht. Lieferungen, die gelten: "
                      f"1 (alt.csv), 2 ({FIRST}). Jede Lieferung steht mit Nummer und Datei im Blatt Lieferungen der "
                      "Monitoringdaten (outbox/Monitoringdaten.xlsx).")
    assert _store_state(workspace) == before and workspace.master_matrix.stat().st_mtime_ns == matrix


def test_withdraw_without_a_store_is_exit_3_and_without_a_reason_exit_2(workspace):
    code, output = _withdraw(workspace, "1", "--reason", REASON)
    assert code == 3
    assert output == ("Fehler: Der Datenbestand data/monitoring.sqlite fehlt; es gibt noch keine Lieferung, die "
                      "zurückgezogen werden könnte. Erst mit 'toolkit merge' oder 'toolkit import' Werte übernehmen.")
    code, output = _withdraw(workspace, "1")
    assert code == 2 and "--reason" in output
    assert not workspace.store_file.exists()


def test_withdrawing_the_first_return_keeps_what_the_correction_delivered_too(tmp_path, returns):
    workspace, _ = _two_deliveries(tmp_path, returns)
    before = _store_state(workspace)
    code, output = _withdraw(workspace, FIRST, "--reason", REASON, "--dry-run")
    assert code == 0
    assert output.startswith("Probelauf (--dry-run): nichts wurde geändert. Lieferung 2")
    assert _store_state(workspace) == before
    code, output = _withdraw(workspace, FIRST, "--reason", REASON)
    assert code == 0
    assert ("Auf den Stand davor zurückgesetzt: 0 Werte; entfernt, weil es sie vorher nicht gab: 0 Werte. 169 Werte "
            "der Lieferung bleiben") in output
    after = _store_state(workspace)
    # every value stays; those that B delivered as A had them now name B as their delivery
    assert [r[:11] for r in after[0]] == [r[:11] for r in before[0]]  # key, value, flag, note
    assert {r[11] for r in after[0] if r[0] == "SPR-03" or r[0].startswith("BIL")} <= {3}  # the delivery
    assert after[2] == before[2]  # no value changed: nothing for the history


def test_a_withdrawn_return_delivered_again_is_a_new_delivery(tmp_path, returns):
    workspace, _ = _two_deliveries(tmp_path, returns)
    assert _withdraw(workspace, "3", "--reason", REASON)[0] == 0
    shutil.copyfile(workspace.archive / "2025" / "JUGA" / "Erhebung_2025_JUGA _2_.xlsx", workspace.inbox / SECOND)
    code, output = _merge(workspace)
    assert code == 0 and f"{SECOND}: übernommen (1 neuer Wert, 1 geänderter Wert)" in output
    assert _value(workspace) == 510


def test_withdrawing_a_later_return_goes_back_past_withdrawn_ones(tmp_path, returns):
    """444 -> A 500 -> B 510 -> C 520; B withdrawn (C stays), then C withdrawn: back to A's 500, not B's 510."""
    workspace, _ = _two_deliveries(tmp_path, returns)
    saved_at(returns[520], workspace.inbox / "Erhebung_2025_JUGA (3).xlsx", FRIDAY + dt.timedelta(days=1))
    assert _merge(workspace)[0] == 0
    assert _withdraw(workspace, "3", "--reason", REASON)[0] == 0
    assert _value(workspace) == 520
    assert _withdraw(workspace, "4", "--reason", REASON)[0] == 0
    assert _value(workspace) == 500
    with Store(workspace.store_file) as store:
        assert store.get(KEY).delivery_id == 2 and store.get(K7) is None


def test_an_import_imported_again_after_its_values_changed_is_a_new_import(workspace, tmp_path):
    header = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"
    path = tmp_path / "Vergleich.csv"

    def imported(value: str) -> tuple[int, str]:
        path.write_text(header + f"2022;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;{value};;\n", encoding="utf-8")
        with standing_in(workspace.root):
            result = runner.invoke(toolkit.cli.app, ["import", str(path)])
        return result.exit_code, " ".join(result.output.split())

    dem = ObservationKey("DEM-01", 2022, "gesamtstadt", "insgesamt", "insgesamt", "wert")
    assert imported("240000")[0] == 0
    assert imported("241000")[0] == 0
    code, output = imported("240000")  # the first file again: its value does not hold any more
    assert code == 0 and "Vergleich.csv: 1 Zeile importiert (0 neue Werte, 1 geänderter Wert)" in output
    with Store(workspace.store_file) as store:
        assert store.get(dem).value == 240000 and len(store.deliveries()) == 3
    before = _store_state(workspace)
    code, output = imported("240000")
    assert code == 0 and output.endswith("Vergleich.csv: wurde schon importiert; es ändert sich nichts.")
    assert _store_state(workspace) == before
    # three imports of that name: withdraw wants the number
    code, output = _withdraw(workspace, "Vergleich.csv", "--reason", REASON)
    assert code == 2 and output.startswith("Fehler: „Vergleich.csv“ passt auf 3 Lieferungen: Lieferung 1 (")
    assert output.endswith("Bitte die Nummer angeben, z. B. toolkit withdraw 3 --reason …")
    assert _store_state(workspace) == before
    assert _withdraw(workspace, "3", "--reason", REASON)[0] == 0
    with Store(workspace.store_file) as store:
        assert store.get(dem).value == 241000 and store.get(dem).delivery_id == 2


def test_an_office_whose_only_return_was_withdrawn_has_not_delivered(tmp_path, returns):
    workspace = _workspace(tmp_path)
    saved_at(returns[500], workspace.inbox / FIRST, MONDAY)
    assert _merge(workspace)[0] == 0
    assert _withdraw(workspace, FIRST, "--reason", REASON)[0] == 0
    status = {s.office.code: s for s in round_status(workspace, 2025, today=dt.date(2026, 4, 15)).offices}["JUGA"]
    assert not status.delivered and status.withdrawn
    headers, rows = round_status(workspace, 2025, today=dt.date(2026, 4, 15)).table()
    row = dict(zip(headers, next(r for r in rows if r[0] == "JUGA"), strict=True))
    assert row["Rücklauf"].endswith("(zurückgezogen)")
    assert reminder_reasons(status, 2025)[0] == \
        f"Ihre Lieferung {FIRST} haben wir zurückgezogen; bitte senden Sie den Erhebungsbogen erneut."
    with Store(workspace.store_file) as store:
        assert store.get(KEY).value == 444  # the import before it holds again
