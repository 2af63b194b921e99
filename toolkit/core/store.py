"""The store (data/monitoring.sqlite): the one source of truth for values, their provenance and history.

Tables
- deliveries: one row per merged file or import (office, year, file, SHA-256, times, check result), and one per
  withdrawal of such a delivery (source "withdrawal"; the withdrawn row points to it by ``withdrawn_by``). The same
  content may arrive more than once: a file whose values no longer hold is a new delivery when it comes again.
- observations: the current value of every indicator x year x area x group x sex x measure x age group x
  nationality (core/keys.ObservationKey; "alle" = not broken down by age or nationality)
- history: every earlier value that a later delivery replaced, with who/when/why
- confirmations: every value a delivery delivered as it was stored already (for withdrawals)
- rounds: one row per office and report year that ``distribute`` prepared (token, deadline, file hash)
- layouts: every layout a workbook was distributed with (office, year, fingerprint) and the office's part of the
  catalogue it was made from, so that a return made with an earlier catalogue can still be read
- sendings: every e-mail sent or drafted for a round (Message-ID, time, result)
- checks: the last check result of every file seen in inbox/ (for status and the master matrix)
- editions, edition_cells: the publication ledger, every released edition cell by cell (indicators/editions.py)
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from toolkit.core.errors import InputError
from toolkit.core.keys import ObservationKey
from toolkit.core.store_records import Records, now
from toolkit.core.store_schema import (
    CONFIRMATION_INSERT,
    DISTRICT_KEYS,
    HISTORY_INSERT,
    JOURNAL_MODE,
    KEY_NAMES,
    OBSERVATION_COLUMNS,
    OFFICIAL,
    REQUIRED_TABLES,
    SCHEMA,
    STAND,
    UPSERT,
    add_age_and_nationality,
    connect_read_only,
    deliveries_as_events,
    drop_value_timestamps,
    key_columns,
    key_match,
    ledger_key_columns,
    tables_without_age,
)
from toolkit.core.workspace import command_in, for_user

SIZE = len(KEY_NAMES)  # the key columns at the start of every row read from observations, history, confirmations


class DeliverySource(StrEnum):
    """Where a delivery came from (deliveries.source)."""

    RETURN = "return"  # a returned collection workbook (toolkit merge)
    IMPORT = "import"  # a table read by toolkit import
    WITHDRAWAL = "withdrawal"  # a withdrawal of an earlier delivery (toolkit withdraw)



class StoredValue(NamedTuple):
    """The stored value of a key, with its Kennzeichen, Bemerkung and delivery.

    A named tuple like ObservationKey: ``values()`` makes one per value of the store (400,000 in a large round),
    and a named tuple is made several times faster than a frozen dataclass.
    """

    value: float | None
    flag: str
    note: str
    delivery_id: int


class Store(Records):
    """A thin layer over SQLite. Use ``with store.transaction():`` around every change.

    ``Store(path)`` opens for writing: it creates the file if needed and brings the schema of an earlier version
    up to date, so it is opened only under the working folder's lock (core.workspace.locked), by a command that
    writes. Reading commands use ``Store.read_only``, which never writes.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """Open (and create or upgrade) the store at ``path``; with ``read_only`` see Store.read_only."""
        self.path = path
        self.aged = 0  # values given the age group and nationality "alle" by the upgrade when opened (before 0.4)
        if read_only:
            self.db = connect_read_only(path)
            self._key_sql(not tables_without_age(self.db))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}")
        new = not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'deliveries'").fetchone()
        self._create_tables(new)
        self._upgrade()
        self._key_sql(True)

    def _create_tables(self, new: bool) -> None:
        """The schema's tables and indexes that are missing (and a new store's meta) in one transaction: one sync to
        disk for a new store instead of one per statement (0.2-0.6 s on a busy disk, now a few milliseconds)."""
        try:
            self.db.executescript(f"BEGIN;\n{SCHEMA}\n;")  # executescript commits only what was open before it
            if new:
                self.set_meta(DISTRICT_KEYS, OFFICIAL)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _key_sql(self, aged: bool) -> None:
        """The key's SQL (store_schema.key_columns); a store before 0.4, not upgraded, reads as age/nationality "alle"."""
        columns = key_columns(aged)
        self.key, self.match, self.aliased = ", ".join(columns), key_match(aged), ", ".join(key_columns(aged, "o."))
        self.columns = ", ".join((*columns, *OBSERVATION_COLUMNS[SIZE:]))
        self.expressions = {name: column.split(" AS ")[0] for name, column in zip(KEY_NAMES, columns, strict=True)}

    @classmethod
    def read_only(cls, path: Path, *, outdated_ok: bool = False) -> Store:
        """Open an existing store for reading only: no schema, no upgrade; SQLite refuses every change. A store of an
        earlier version is refused with the command that upgrades it, unless ``outdated_ok`` (see catalogue.upgrade)."""
        if not path.is_file():
            raise InputError(f"Der Datenbestand {path} fehlt.",
                             hint="Erst mit 'toolkit merge' oder 'toolkit import' Werte übernehmen.")
        store = cls(path, read_only=True)
        if not outdated_ok and store.outdated():
            store.close()
            raise outdated_error(path)
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit on success, roll back on any exception.

        A transaction that changed anything also advances the store's Datenstand (``stand``), in the same commit:
        files derived from the store (the master matrix) record the Datenstand they show and are rewritten when it
        differs, also after a crash between the commit and their writing.
        """
        self.db.execute("BEGIN IMMEDIATE")
        try:
            before = self.db.total_changes
            yield
            if self.db.total_changes != before:
                self._advance_stand()
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ---- meta -----------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # a read-only store of an earlier version has no meta table yet
            return None
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (key, value))

    def stand(self) -> str:
        """The Datenstand: which store (an id made once) and how many changing transactions it has seen, e.g.
        '3f2a…:17'; '' for a store that has never changed."""
        return self.meta(STAND) or ""

    def _advance_stand(self) -> None:
        identity, _, count = self.stand().partition(":")
        self.set_meta(STAND, f"{identity or uuid.uuid4().hex}:{int(count or 0) + 1}")

    def outdated(self) -> bool:
        """Whether the store waits for its one-time upgrade (before 0.4: no age group and nationality; 0.2 and older:
        Stadtteile numbered alphabetically, no meta table; 0.1: a time per value)."""
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not REQUIRED_TABLES <= tables:
            return True
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(observations)")}
        return "updated_at" in columns or self.meta(DISTRICT_KEYS) != OFFICIAL or bool(tables_without_age(self.db))

    def rename_areas(self, moves: dict[str, str]) -> int:
        """Give values and history new area codes (old -> new, also when they swap); returns the values moved.

        In two steps through a prefix no area has, so 'st04' -> 'st72' and 'st72' -> 'st36' cannot collide.
        """
        moved = 0
        for table in ("observations", "history"):
            for old, new in moves.items():
                cursor = self.db.execute(f"UPDATE {table} SET area = ? WHERE area = ?", (f"~{new}", old))
                moved += cursor.rowcount if table == "observations" else 0
            self.db.execute(f"UPDATE {table} SET area = substr(area, 2) WHERE area LIKE '~%'")
        return moved

    def _upgrade(self) -> None:
        """Bring the schema of a store of an earlier version up to date, once (each step sees whether it is needed)."""
        if self.db.execute("SELECT 1 FROM deliveries WHERE instr(archive_path, '\\') LIMIT 1").fetchone():
            # stores written on Windows before 0.2 kept archive paths with backslashes: one form everywhere
            with self.transaction():
                self.db.execute("UPDATE deliveries SET archive_path = replace(archive_path, '\\', '/')")
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(observations)")}
        if "updated_at" in columns:
            with self.transaction():
                drop_value_timestamps(self.db)
        deliveries_as_events(self.db)  # its own transaction: foreign keys are switched off around it
        if tables_without_age(self.db):
            with self.transaction():
                self.aged = add_age_and_nationality(self.db)
        ledger_key_columns(self.db)  # its own transaction: the ledger's table is made anew

    # ---- deliveries -------------------------------------------------------------------------------

    def add_delivery(self, *, office: str, year: int, file_name: str, sha256: str,
                     source: DeliverySource = DeliverySource.RETURN,
                     token: str = "", layout_version: str = "", received_at: str | None = None,
                     archive_path: str = "", counts: tuple[int, int, int] = (0, 0, 0),
                     problems_json: str = "[]", saved_at: str = "", note: str = "") -> int:
        cursor = self.db.execute(
            "INSERT INTO deliveries (office, year, file_name, sha256, source, token, layout_version, received_at,"
            " merged_at, archive_path, n_fehler, n_warnungen, n_hinweise, problems_json, saved_at, note)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (office, year, file_name, sha256, source, token, layout_version, received_at or now(), now(),
             archive_path, *counts, problems_json, saved_at, note),
        )
        return int(cursor.lastrowid)

    def find_delivery(self, sha256: str, office: str, year: int) -> int | None:
        """The latest delivery of this content by this office for this year that still holds (not withdrawn)."""
        for row in self.db.execute("SELECT * FROM deliveries WHERE sha256 = ? AND office = ? AND year = ?"
                                   " ORDER BY id DESC", (sha256, office, year)):
            if in_effect(row):
                return int(row["id"])
        return None

    def latest_delivery(self, office: str, year: int, source: str = "return") -> dict | None:
        """The office's latest delivery of ``source`` for ``year`` that still holds (not withdrawn), as a dict."""
        for row in self.db.execute("SELECT * FROM deliveries WHERE office = ? AND year = ? AND source = ?"
                                   " ORDER BY id DESC", (office, year, source)):
            if in_effect(row):
                return dict(row)
        return None

    def import_delivery(self, sha256: str) -> int | None:
        """The latest import whose identity (``sha256``, see merge/imports.py) is ``sha256`` and that still holds."""
        for row in self.db.execute("SELECT * FROM deliveries WHERE sha256 = ? AND source = ? ORDER BY id DESC",
                                   (sha256, DeliverySource.IMPORT)):
            if in_effect(row):
                return int(row["id"])
        return None

    def deliveries(self, year: int | None = None) -> list[sqlite3.Row]:
        if year is None:
            return self.db.execute("SELECT * FROM deliveries ORDER BY id").fetchall()
        return self.db.execute("SELECT * FROM deliveries WHERE year = ? ORDER BY id", (year,)).fetchall()

    # ---- withdrawals (merge/withdraw.py decides, the store reads and writes) ----------------------------

    def withdrawn(self) -> set[int]:
        """The deliveries that were withdrawn."""
        return {int(r[0]) for r in self.db.execute("SELECT id FROM deliveries WHERE withdrawn_by IS NOT NULL")}

    def keys_of(self, delivery: int) -> tuple[set[tuple], set[tuple]]:
        """The keys whose stored value is the delivery's or which it confirmed; and the keys of its values that a
        later delivery replaced."""
        held = {tuple(r) for sql in (f"SELECT {self.key} FROM observations WHERE delivery_id = ?",
                                     f"SELECT {self.key} FROM confirmations WHERE delivery_id = ?")
                for r in self.db.execute(sql, (delivery,))}
        replaced = {tuple(r) for r in self.db.execute(f"SELECT DISTINCT {self.key} FROM history WHERE old_delivery_id = ?",
                                                      (delivery,))}
        return held, replaced

    def statements(self, keys: set[tuple]) -> tuple[dict[tuple, list[StoredValue]], dict[tuple, StoredValue]]:
        """What each delivery said about ``keys`` (a value a later one replaced, a confirmation, the value stored
        now), oldest history first; and the values stored now."""
        said: dict[tuple, list[StoredValue]] = {key: [] for key in keys}
        stored: dict[tuple, StoredValue] = {}
        if not keys:
            return said, stored
        indicators, years = sorted({k[0] for k in keys}), sorted({k[1] for k in keys})
        where = f" WHERE indicator IN ({','.join('?' * len(indicators))}) AND year IN ({','.join('?' * len(years))})"
        cursor = self.db.cursor()
        cursor.row_factory = None
        for table, columns in (("history", "old_value, old_flag, old_note, old_delivery_id"),
                               ("confirmations", "value, flag, note, delivery_id"),
                               ("observations", "value, flag, note, delivery_id")):
            order = " ORDER BY id" if table == "history" else ""
            for r in cursor.execute(f"SELECT {self.key}, {columns} FROM {table}{where}{order}", (*indicators, *years)):
                if r[:SIZE] in said:
                    said[r[:SIZE]].append(StoredValue(*r[SIZE:]))
                    if table == "observations":
                        stored[r[:SIZE]] = StoredValue(*r[SIZE:])
        return said, stored

    def record_withdrawal(self, delivery: int, withdrawal: int,
                          changes: Iterable[tuple[tuple, StoredValue, StoredValue | None, str]]) -> None:
        """Mark ``delivery`` as withdrawn by ``withdrawal`` (a delivery row of its own) and set each changed key
        (key, value now, value to restore or None to remove, reason): history rows for changed values, the values.

        Must run inside a transaction.
        """
        self.db.execute("UPDATE deliveries SET withdrawn_by = ? WHERE id = ?", (withdrawal, delivery))
        stamp = now()
        history, upserts, removed = [], [], []
        for key, old, target, reason in changes:
            if target is None:
                removed.append(key)
            else:  # a value of before 0.2 may not know its delivery: it is then the withdrawal's
                upserts.append((*key, target.value, target.flag, target.note, target.delivery_id or withdrawal))
            if target is None or (target.value, target.flag, target.note) != (old.value, old.flag, old.note):
                history.append((*key, old.value, old.flag, old.note, old.delivery_id, target.value if target else None,
                                target.flag if target else "", withdrawal, stamp, reason))
        self.db.executemany(HISTORY_INSERT, history)
        self.db.executemany(UPSERT, upserts)
        self.db.executemany(f"DELETE FROM observations WHERE {self.match}", removed)

    # ---- observations -----------------------------------------------------------------------------

    def get(self, key: ObservationKey) -> StoredValue | None:
        row = self.db.execute(f"SELECT value, flag, note, delivery_id FROM observations WHERE {self.match}",
                              tuple(key)).fetchone()
        return None if row is None else StoredValue(row["value"], row["flag"], row["note"], row["delivery_id"])

    def put(self, key: ObservationKey, value: float | None, flag: str, note: str, delivery_id: int,
            reason: str = "") -> str:
        """Set one value; keep a replaced one in the history. Returns 'new', 'changed' or 'same'."""
        old = self.get(key)
        params = tuple(key)
        if old is not None:
            if old.value == value and old.flag == flag and old.note == note:
                return "same"
            self.db.execute(HISTORY_INSERT, (*params, old.value, old.flag, old.note, old.delivery_id, value, flag,
                                             delivery_id, now(), reason))
        self.db.execute(UPSERT, (*params, value, flag, note, delivery_id))
        return "new" if old is None else "changed"

    def put_many(self, items: Iterable[tuple[ObservationKey, float | None, str, str, str]], delivery_id: int) -> dict[str, int]:
        """Set many values of one delivery at once (key, value, flag, note, reason); history as in ``put``.

        A key is an ObservationKey or a plain tuple of all its fields, in their order.

        Returns counts of 'new', 'changed' and 'same'. Must run inside a transaction.
        """
        history, upserts, counts, same = self._compare(items, delivery_id)
        self.db.executemany(HISTORY_INSERT, history)
        self.db.executemany(UPSERT, upserts)
        self.db.executemany(CONFIRMATION_INSERT, same)
        return counts

    def changes(self, items: Iterable[tuple]) -> dict[str, int]:
        """What ``put_many`` would do with these (key, value, flag, note, reason) items, without doing it: the counts."""
        return self._compare(items, 0)[2]

    def _compare(self, items: Iterable[tuple], delivery_id: int) \
            -> tuple[list[tuple], list[tuple], dict[str, int], list[tuple]]:
        """The history rows and upserts that setting ``items`` as ``delivery_id`` needs, their counts, and the
        confirmations (values delivered as they are stored)."""
        items = list(items)
        counts = {"new": 0, "changed": 0, "same": 0}
        if not items:
            return [], [], counts, []
        indicators = sorted({item[0][0] for item in items})
        years = sorted({item[0][1] for item in items})
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples
        existing = {r[:SIZE]: r[SIZE:] for r in cursor.execute(
            f"SELECT {self.columns} FROM observations WHERE indicator IN ({','.join('?' * len(indicators))}) AND year IN ({','.join('?' * len(years))})",
            (*indicators, *years))}
        stamp = now()
        history, upserts, same = [], [], []
        append = upserts.append
        for key, value, flag, note, reason in items:
            row = (*key, value, flag, note, delivery_id)
            if existing:
                old = existing.get(key)
                if old is not None:
                    if old[0] == value and old[1] == flag and old[2] == note:
                        same.append(row)
                        continue
                    history.append((*row[:SIZE], *old, value, flag, delivery_id, stamp, reason))
            append(row)
        counts["same"] = len(same)
        counts["changed"] = len(history)
        counts["new"] = len(upserts) - len(history)
        return history, upserts, counts, [(*r[:SIZE], delivery_id, *r[SIZE:SIZE + 3]) for r in same]

    def values(self, indicators: Iterable[str] | None = None, years: Iterable[int] | None = None,
               areas: Iterable[str] | None = None) -> dict[ObservationKey, StoredValue]:
        """Current values, optionally filtered, keyed by ObservationKey."""
        sql = "SELECT * FROM observations WHERE 1=1"
        params: list[object] = []
        for column, wanted in (("indicator", indicators), ("year", years), ("area", areas)):
            if wanted is not None:
                wanted = list(wanted)
                sql += f" AND {column} IN ({','.join('?' * len(wanted))})"
                params.extend(wanted)
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples, in the column order of the table
        sql = sql.replace("SELECT *", f"SELECT {self.columns}")
        return {ObservationKey(*r[:SIZE]): StoredValue(*r[SIZE:]) for r in cursor.execute(sql, params)}

    def keys(self, years: Iterable[int]) -> set[tuple]:
        """The keys of ``years`` with a current value as plain tuples (equal to ObservationKeys), for membership tests."""
        wanted = list(years)
        cursor = self.db.cursor()
        cursor.row_factory = None
        return set(cursor.execute(f"SELECT {self.key} FROM observations WHERE year IN ({','.join('?' * len(wanted))})",
                                  wanted))

    def observation_rows(self, areas: Iterable[str] | None = None) -> list[tuple]:
        """Current values as plain tuples (the eight key fields, value, flag, note, delivery id) in key order, of
        ``areas`` only if given: the long form of the master matrix."""
        where, params = "", ()
        if areas is not None:
            params = tuple(areas)
            where = f" WHERE area IN ({','.join('?' * len(params))})"
        cursor = self.db.cursor()
        cursor.row_factory = None
        return cursor.execute(f"SELECT {self.columns} FROM observations{where} ORDER BY {', '.join(KEY_NAMES)}",
                              params).fetchall()

    def values_outside(self, homes: dict[str, set[str]]) -> dict[tuple[str, str], int]:
        """Values with a code outside ``homes`` (column -> allowed codes; columns of observations, in the order
        given), counted by (column, code) of the first column that has none: a value counts once."""
        counts: dict[tuple[str, str], int] = {}
        columns = list(homes)
        for position, column in enumerate(columns):
            if column not in KEY_NAMES:
                raise ValueError(column)
            earlier = columns[:position]
            expression = self.expressions[column]
            conditions = [f"{self.expressions[c]} IN ({','.join('?' * len(homes[c]))})" for c in earlier]
            conditions.append(f"{expression} NOT IN ({','.join('?' * len(homes[column]))})")
            params = [code for c in (*earlier, column) for code in sorted(homes[c])]
            rows = self.db.execute(f"SELECT {expression}, COUNT(*) FROM observations WHERE {' AND '.join(conditions)}"
                                   f" GROUP BY {expression} ORDER BY {expression}", params)
            counts |= {(column, code): count for code, count in rows}
        return counts

    def values_by_year(self, homes: dict[str, set[str]], indicators: Iterable[str],
                       groups: Iterable[str]) -> dict[tuple[str, str, int], int]:
        """Values with a home (``homes``) of ``indicators`` or in ``groups`` by (indicator, group, year): what the
        catalogue's years may rule out."""
        indicators, groups = sorted(indicators), sorted(groups)
        if not indicators and not groups:
            return {}
        conditions, params = [], []
        for column, codes in homes.items():
            if column not in KEY_NAMES:
                raise ValueError(column)
            conditions.append(f"{self.expressions[column]} IN ({','.join('?' * len(codes))})")
            params.extend(sorted(codes))
        conditions.append(f"(indicator IN ({','.join('?' * len(indicators))}) OR grp IN ({','.join('?' * len(groups))}))")
        params.extend([*indicators, *groups])
        rows = self.db.execute(f"SELECT indicator, grp, year, COUNT(*) FROM observations WHERE {' AND '.join(conditions)}"
                               " GROUP BY indicator, grp, year ORDER BY indicator, grp, year", params)
        return {(indicator, group, year): count for indicator, group, year, count in rows}

    def data_dates(self, year: int) -> dict[str, str]:
        """Per indicator the time its values up to ``year`` were last taken over (ISO text): the Stand of the data."""
        rows = self.db.execute("SELECT o.indicator, MAX(d.merged_at) FROM observations o JOIN deliveries d"
                               " ON d.id = o.delivery_id WHERE o.year <= ? GROUP BY o.indicator", (year,))
        return {indicator: str(when) for indicator, when in rows if when}

    def observations_frame(self):  # -> pandas.DataFrame
        """All current values with their provenance, one row per value (long form)."""
        import pandas as pd  # heavy: pandas (0.2 s) only for the report and export

        key = self.aliased.replace("o.grp", 'o.grp AS "group"')
        query = (
            f"SELECT {key}, o.value, o.flag, o.note, o.delivery_id,"
            " d.office, d.file_name, d.source, d.merged_at AS updated_at"
            " FROM observations o JOIN deliveries d ON d.id = o.delivery_id"
            f" ORDER BY {', '.join(str(n + 1) for n in range(SIZE))}"  # by position: the key, aliased or not
        )
        return pd.read_sql_query(query, self.db)

    def history_indicators(self) -> set[str]:
        """Every indicator the change log names (also one the catalogue no longer has)."""
        return {row[0] for row in self.db.execute("SELECT DISTINCT indicator FROM history")}

    def history_rows(self, indicator: str | None = None) -> list[sqlite3.Row]:
        sql = ("SELECT h.*, dn.office AS new_office, dn.file_name AS new_file, do.file_name AS old_file"
               " FROM history h JOIN deliveries dn ON dn.id = h.new_delivery_id"
               " LEFT JOIN deliveries do ON do.id = h.old_delivery_id")
        params: tuple = ()
        if indicator:
            sql += " WHERE h.indicator = ?"
            params = (indicator,)
        return self.db.execute(sql + " ORDER BY h.id", params).fetchall()


def outdated_error(path: Path) -> InputError:
    """A reading command met a store that waits for its one-time upgrade: say which command does it."""
    root = path.parent.parent  # <Arbeitsordner>/data/monitoring.sqlite
    return InputError(
        f"Der Datenbestand {for_user(path)} stammt aus einer früheren Version des Toolkits und muss einmal umgestellt "
        "werden; dieser Befehl liest nur und ändert ihn nicht.",
        hint=f"Bitte einmal '{command_in(root, 'toolkit upgrade')}' ausführen und den Befehl dann wiederholen "
             "(auch merge, import und distribute stellen ihn um). Alle Werte bleiben erhalten.")


def in_effect(row: sqlite3.Row) -> bool:
    """Whether a delivery row still counts: not a withdrawal and not withdrawn (stores up to 0.3 know neither)."""
    keys = row.keys()
    return row["source"] != DeliverySource.WITHDRAWAL and ("withdrawn_by" not in keys or row["withdrawn_by"] is None)


def open_store(path: Path) -> Store:
    return Store(path)
