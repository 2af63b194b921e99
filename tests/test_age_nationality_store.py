"""Age group and nationality in the observation key and the store; a store of an earlier version is upgraded once.

The key has eight fields; the two new ones come last with the default "alle", so a key made with six fields means the
value of all ages and all nationalities. Stores written before (tests/data/legacy_before_age, and the 0.2 store of
tests/data/legacy_0_2) keep every value, change and confirmation, now under "alle"; reading commands refuse them
until the one-time upgrade, which a writing command or `toolkit upgrade` does under the folder lock.
"""

from __future__ import annotations

import shutil
import sqlite3

from conftest import BEFORE_AGE, before_age_workspace, legacy_workspace
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.core.keys import ALL, KEY_SIZE, ObservationKey
from toolkit.core.store import DeliverySource, Store

runner = CliRunner()


def _text(result) -> str:
    return " ".join(result.output.split())


def _six_column_rows(path) -> dict[str, list[tuple]]:
    """What the store of before holds, read with plain SQL: values, history and confirmations."""
    db = sqlite3.connect(path)
    try:
        return {
            "values": db.execute("SELECT indicator, year, area, grp, sex, measure, value, flag, note, delivery_id"
                                 " FROM observations ORDER BY 1, 2, 3, 4, 5, 6").fetchall(),
            "history": db.execute("SELECT id, indicator, year, area, grp, sex, measure, old_value, new_value, reason"
                                  " FROM history ORDER BY id").fetchall(),
            "confirmations": db.execute("SELECT indicator, year, area, grp, sex, measure, delivery_id, value"
                                        " FROM confirmations ORDER BY 1, 2, 3, 4, 5, 6").fetchall(),
        }
    finally:
        db.close()


def test_a_key_of_six_fields_is_the_value_of_all_ages_and_nationalities():
    key = ObservationKey("DEM-01", 2025, "gesamtstadt", "insgesamt", "insgesamt", "wert")
    assert (key.age, key.nationality) == (ALL, ALL) and len(key) == KEY_SIZE == 8
    assert key == ("DEM-01", 2025, "gesamtstadt", "insgesamt", "insgesamt", "wert", "alle", "alle")
    assert hash(key) == hash(tuple(key))  # plain tuples from the store find keys and the other way round
    assert key._replace(age="65+") != key


def test_values_by_age_group_and_nationality_are_kept_apart(workspace):
    total = ObservationKey("DEM-01", 2025, "gesamtstadt", "nichtdeutsch", "insgesamt", "wert")
    older, syrian = total._replace(age="65+"), total._replace(nationality="475")
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="Import", year=2025, file_name="a.csv", sha256="a",
                                      source=DeliverySource.IMPORT)
        counts = store.put_many([(total, 39404.0, "", "", ""), (older, 1200.0, "", "", ""),
                                 (syrian, 7900.0, "vorläufig", "", "")], delivery)
    assert counts == {"new": 3, "changed": 0, "same": 0}
    with Store.read_only(workspace.store_file) as store:
        values = store.values()
        rows = store.observation_rows()
        frame = store.observations_frame()
    assert {key: v.value for key, v in values.items()} == {total: 39404.0, older: 1200.0, syrian: 7900.0}
    assert sorted(row[:KEY_SIZE] for row in rows) == sorted(values)
    assert set(zip(frame["age"], frame["nationality"], strict=True)) == {(ALL, ALL), ("65+", ALL), (ALL, "475")}


def test_a_reading_command_refuses_a_store_of_before_and_leaves_it_as_it_is(tmp_path):
    workspace = before_age_workspace(tmp_path / "ws")
    before = workspace.store_file.read_bytes()
    for args in (["status", "--year", "2025"], ["export", "--year", "2025"], ["log"]):
        result = runner.invoke(app, [*args, "-w", str(workspace.root)])
        assert result.exit_code == 3, result.output
        assert "stammt aus einer früheren Version des Toolkits und muss einmal umgestellt werden" in _text(result)
        assert "Bitte einmal 'toolkit upgrade" in _text(result)
        assert workspace.store_file.read_bytes() == before, args


def test_the_upgrade_keeps_every_value_change_and_confirmation_under_alle(tmp_path):
    workspace = before_age_workspace(tmp_path / "ws")
    before = _six_column_rows(workspace.store_file)
    assert len(before["values"]) == 19 and len(before["history"]) == 1 and len(before["confirmations"]) == 1

    result = runner.invoke(app, ["upgrade", "-w", str(workspace.root)])

    assert result.exit_code == 0, result.output
    assert _text(result).startswith(
        "Datenbestand auf die aktuelle Version umgestellt: 19 Werte gelten für alle Altersgruppen und alle "
        "Staatsangehörigkeiten (die neuen Merkmale Altersgruppe und Staatsangehörigkeit).")
    db = sqlite3.connect(workspace.store_file)
    try:
        after_values = db.execute("SELECT indicator, year, area, grp, sex, measure, value, flag, note, delivery_id,"
                                  " age, nationality FROM observations ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
        after_history = db.execute("SELECT id, indicator, year, area, grp, sex, measure, old_value, new_value, reason,"
                                   " age, nationality FROM history ORDER BY id").fetchall()
        after_confirmations = db.execute("SELECT indicator, year, area, grp, sex, measure, delivery_id, value, age,"
                                         " nationality FROM confirmations ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
        primary_key = [row[1] for row in db.execute("PRAGMA table_info(observations)") if row[5]]
    finally:
        db.close()
    assert after_values == [(*row, ALL, ALL) for row in before["values"]]
    assert after_history == [(*row, ALL, ALL) for row in before["history"]]
    assert after_confirmations == [(*row, ALL, ALL) for row in before["confirmations"]]
    assert primary_key == ["indicator", "year", "area", "grp", "sex", "measure", "age", "nationality"]
    with Store.read_only(workspace.store_file) as store:
        assert not store.outdated()
        corrected = store.get(ObservationKey("DEM-01", 2024, "gesamtstadt", "nichtdeutsch", "insgesamt", "wert"))
    assert (corrected.value, corrected.flag) == (37851, "vorläufig")  # the value of the correction
    upgraded = workspace.store_file.read_bytes()
    again = runner.invoke(app, ["upgrade", "-w", str(workspace.root)])
    assert again.exit_code == 0 and "es wurde nichts geändert" in _text(again)
    assert workspace.store_file.read_bytes() == upgraded


def test_after_the_upgrade_a_return_of_the_workbook_sent_before_is_read_and_withdrawn(tmp_path):
    """The workbook distributed before (its layout kept in the store) is still read by its layout after the upgrade:
    the office DEZSOZ collects nothing by age, so its layout and fingerprint are those of before."""
    workspace = before_age_workspace(tmp_path / "ws")
    shutil.copy(BEFORE_AGE / "Erhebung_2025_DEZSOZ_neu.xlsx", workspace.inbox)
    merged = runner.invoke(app, ["merge", "-w", str(workspace.root)])
    assert merged.exit_code == 0, merged.output
    assert "Erhebung_2025_DEZSOZ_neu.xlsx: übernommen (0 neue Werte, 1 geänderter Wert)" in _text(merged)
    with Store.read_only(workspace.store_file) as store:
        last = store.deliveries()[-1]["id"]
        changed = [row for row in store.history_rows() if row["new_delivery_id"] == last]
    assert [(row["age"], row["nationality"]) for row in changed] == [(ALL, ALL)]
    withdrawn = runner.invoke(app, ["withdraw", str(last), "--reason", "Test", "-w", str(workspace.root)])
    assert withdrawn.exit_code == 0, withdrawn.output
    with Store.read_only(workspace.store_file) as store:
        key = ObservationKey(changed[0]["indicator"], changed[0]["year"], changed[0]["area"], changed[0]["grp"],
                             changed[0]["sex"], changed[0]["measure"])
        assert store.get(key).value == changed[0]["old_value"]  # the value of before, restored


def test_a_0_2_store_moves_to_the_amts_keys_and_gets_alle_in_one_upgrade(tmp_path):
    workspace = legacy_workspace(tmp_path / "ws")
    def kept(values) -> list[tuple]:  # every value without its area (the upgrade moves the Stadtteile to new keys)
        return sorted((k[0], k[1], *k[3:6], v.value, v.flag, v.note) for k, v in values.items())

    with Store.read_only(workspace.store_file, outdated_ok=True) as store:
        before = store.values()
        count = len(before)
    result = runner.invoke(app, ["upgrade", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert (f"der Stadtteile stehen jetzt unter den Stadtteilschlüsseln des Amts für Statistik (nach Namen zugeordnet); "
            f"{count} Werte gelten für alle Altersgruppen und alle Staatsangehörigkeiten") in _text(result)
    with Store.read_only(workspace.store_file) as store:
        values = store.values()
    assert len(values) == count and {(k.age, k.nationality) for k in values} == {(ALL, ALL)}
    assert kept(values) == kept(before)  # every value, flag and note kept


def test_a_ledger_of_six_key_columns_gets_age_and_nationality_and_keeps_its_cells(workspace):
    """A publication ledger written before age and nationality (edition_cells keyed by six fields) gets both columns
    ("alle") when the store is opened for writing; its cells read back as eight-field keys."""
    with Store(workspace.store_file):
        pass  # the store and its tables as of today
    six = "indicator, year, area, grp, sex, measure"
    db = sqlite3.connect(workspace.store_file)
    with db:
        db.execute("DROP TABLE edition_cells")
        db.execute("CREATE TABLE edition_cells (edition INTEGER NOT NULL REFERENCES editions(id), indicator TEXT NOT"
                   " NULL, year INTEGER NOT NULL, area TEXT NOT NULL, grp TEXT NOT NULL, sex TEXT NOT NULL, measure"
                   " TEXT NOT NULL, status TEXT NOT NULL, value REAL, reason TEXT NOT NULL DEFAULT '', rounded INTEGER"
                   f" NOT NULL DEFAULT 0, PRIMARY KEY (edition, {six})) WITHOUT ROWID")
        db.execute("INSERT INTO editions (year, published_at, folder, report, report_sha256)"
                   " VALUES (2024, '2025-03-12T10:00:00', 'outbox/2024/Veroeffentlichung', 'b.docx', 'x')")
        db.execute(f"INSERT INTO edition_cells (edition, {six}, status, value, reason, rounded) VALUES"
                   " (1, 'DEM-01', 2024, 'st01', 'insgesamt', 'insgesamt', 'wert', 'gesperrt', NULL, 'primär', 0),"
                   " (1, 'DEM-01', 2024, 'st02', 'insgesamt', 'insgesamt', 'wert', 'veröffentlicht', 120, '', 0)")
    db.close()
    with Store(workspace.store_file) as store:
        cells = store.edition_cells()
    assert cells == [(1, "DEM-01", 2024, "st01", "insgesamt", "insgesamt", "wert", ALL, ALL, "gesperrt", None, "primär", 0),
                     (1, "DEM-01", 2024, "st02", "insgesamt", "insgesamt", "wert", ALL, ALL, "veröffentlicht", 120.0, "",
                      0)]
    db = sqlite3.connect(workspace.store_file)
    try:
        primary = [row[1] for row in db.execute("PRAGMA table_info(edition_cells)") if row[5]]
    finally:
        db.close()
    assert primary == ["edition", "indicator", "year", "area", "grp", "sex", "measure", "age", "nationality"]
