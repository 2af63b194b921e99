"""The store's schema and connection: the tables of data/monitoring.sqlite, opening it read-only, and the steps that
bring a store of an earlier version up to date (run once by Store, core/store.py, under the folder lock).

Kept apart from the Store class so each file stays readable; only core/store.py imports it, and the two are the only
modules with SQL (tests/test_architecture.py).
"""

from __future__ import annotations

import sqlite3
import typing
from pathlib import Path, PurePath
from urllib.parse import quote

from toolkit.core.keys import ObservationKey

# A rollback journal, not WAL: WAL needs shared memory between the processes that open the file, which a
# network share (SMB, the city's file servers) does not give; SQLite documents WAL as unsafe there. TRUNCATE
# rather than DELETE: the journal file is emptied instead of deleted after each transaction, which spares the
# file create/delete that is slow on Windows shares and with virus scanners.
JOURNAL_MODE = "TRUNCATE"

# the key of a value (core/keys.ObservationKey), the same eight columns in observations, history and confirmations;
# age group and nationality ("alle" = not broken down) came with version 0.4, appended to the six of before
KEY_COLUMNS = """    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    area TEXT NOT NULL,
    grp TEXT NOT NULL,
    sex TEXT NOT NULL,
    measure TEXT NOT NULL,
    age TEXT NOT NULL DEFAULT 'alle',
    nationality TEXT NOT NULL DEFAULT 'alle',
"""

OBSERVATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS observations (
""" + KEY_COLUMNS + """    value REAL,
    flag TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    delivery_id INTEGER NOT NULL REFERENCES deliveries(id),  -- its merged_at is when the value was set
    PRIMARY KEY (indicator, year, area, grp, sex, measure, age, nationality)
) WITHOUT ROWID;
"""

CONFIRMATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS confirmations (
""" + KEY_COLUMNS + """    delivery_id INTEGER NOT NULL,
    value REAL,
    flag TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (indicator, year, area, grp, sex, measure, age, nationality, delivery_id)
) WITHOUT ROWID;
"""

DELIVERIES_TABLE = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    office TEXT NOT NULL,
    year INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'return',  -- return | import | withdrawal
    token TEXT NOT NULL DEFAULT '',
    layout_version TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    merged_at TEXT NOT NULL,
    archive_path TEXT NOT NULL DEFAULT '',
    n_fehler INTEGER NOT NULL DEFAULT 0,
    n_warnungen INTEGER NOT NULL DEFAULT 0,
    n_hinweise INTEGER NOT NULL DEFAULT 0,
    problems_json TEXT NOT NULL DEFAULT '[]',
    saved_at TEXT NOT NULL DEFAULT '',  -- when the office saved the file (document properties, else file time)
    withdrawn_by INTEGER REFERENCES deliveries(id),  -- the withdrawal that took this delivery back
    note TEXT NOT NULL DEFAULT ''  -- a withdrawal: who and why
);
"""
DELIVERY_COLUMNS = ("id", "office", "year", "file_name", "sha256", "source", "token", "layout_version", "received_at",
                    "merged_at", "archive_path", "n_fehler", "n_warnungen", "n_hinweise", "problems_json")

# ---- the publication ledger (indicators/editions.py): every edition toolkit publish released, and per cell of it
# what it showed (status veröffentlicht, the value as published) or withheld (status gesperrt, the reason). Its key has
# a column for every field of ObservationKey, made from the named tuple, so that a new dimension of the key comes in
# without a change here (ledger_key_columns adds it to a ledger of an earlier version).
EDITIONS_TABLE = """
CREATE TABLE IF NOT EXISTS editions (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,           -- the report year
    published_at TEXT NOT NULL,
    folder TEXT NOT NULL,            -- where its files were written, relative to the working folder
    report TEXT NOT NULL,            -- the edited report it released (as given)
    report_sha256 TEXT NOT NULL
);
"""


def key_column(field: str) -> str:
    """The store's column of a field of ObservationKey ('group' is a word of SQL: grp)."""
    return "grp" if field == "group" else field


LEDGER_KEY = tuple(key_column(f) for f in ObservationKey._fields)
LEDGER_COLUMNS = (*LEDGER_KEY, "status", "value", "reason", "rounded")


def ledger_table(name: str = "edition_cells") -> str:
    """The ledger's cells: one row per edition and key (every field of ObservationKey)."""
    integers = {f for f, kind in typing.get_type_hints(ObservationKey).items() if kind is int}
    columns = "".join(f"    {key_column(f)} {'INTEGER' if f in integers else 'TEXT'} NOT NULL,\n"
                      for f in ObservationKey._fields)
    return (f"CREATE TABLE IF NOT EXISTS {name} (\n    edition INTEGER NOT NULL REFERENCES editions(id),\n{columns}"
            "    status TEXT NOT NULL,  -- veröffentlicht | gesperrt\n    value REAL,  -- the value as published\n"
            "    reason TEXT NOT NULL DEFAULT '',  -- why withheld: primär, sekundär, Quelle, …\n"
            "    rounded INTEGER NOT NULL DEFAULT 0,  -- the rounding base of a published count\n"
            f"    PRIMARY KEY (edition, {', '.join(LEDGER_KEY)})\n) WITHOUT ROWID;\n")


RECORD_EDITION = "INSERT INTO editions (year, published_at, folder, report, report_sha256) VALUES (?,?,?,?,?)"
RECORD_CELLS = (f"INSERT INTO edition_cells (edition, {', '.join(LEDGER_COLUMNS)})"
                f" VALUES ({','.join('?' * (len(LEDGER_COLUMNS) + 1))})")
EDITION_CELLS = f"SELECT edition, {', '.join(LEDGER_COLUMNS)} FROM edition_cells ORDER BY edition, {', '.join(LEDGER_KEY)}"


def ledger_key_columns(db: sqlite3.Connection) -> None:
    """A ledger written before ObservationKey had a field: made anew with a column for it (its default, the field's
    default in ObservationKey, else ''), the rows copied; the field joins the primary key."""
    present = [row[1] for row in db.execute("PRAGMA table_info(edition_cells)")]
    missing = [f for f in ObservationKey._fields if key_column(f) not in present]
    if not missing:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(ledger_table("edition_cells_new"))
        kept = ["edition", *(c for c in LEDGER_COLUMNS if c in present)]
        added = [key_column(f) for f in missing]
        defaults = [ObservationKey._field_defaults.get(f, "") for f in missing]
        db.execute(f"INSERT INTO edition_cells_new ({', '.join(kept + added)}) SELECT {', '.join(kept)}"
                   f"{''.join(', ?' for _ in added)} FROM edition_cells", defaults)
        db.execute("DROP TABLE edition_cells")
        db.execute("ALTER TABLE edition_cells_new RENAME TO edition_cells")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


SCHEMA = DELIVERIES_TABLE + """
CREATE INDEX IF NOT EXISTS deliveries_content ON deliveries(sha256, office, year);
""" + OBSERVATIONS_TABLE + """
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY,
""" + KEY_COLUMNS + """    old_value REAL,
    old_flag TEXT NOT NULL DEFAULT '',
    old_note TEXT NOT NULL DEFAULT '',
    old_delivery_id INTEGER,
    new_value REAL,
    new_flag TEXT NOT NULL DEFAULT '',
    new_delivery_id INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS rounds (
    year INTEGER NOT NULL,
    office TEXT NOT NULL,
    token TEXT NOT NULL,
    deadline TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    layout_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (year, office)
);
CREATE TABLE IF NOT EXISTS layouts (
    year INTEGER NOT NULL,
    office TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    snapshot TEXT NOT NULL,   -- JSON: the office's part of the catalogue (collect/layout_history.py)
    created_at TEXT NOT NULL,
    PRIMARY KEY (year, office, fingerprint)
);
CREATE TABLE IF NOT EXISTS sendings (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    office TEXT NOT NULL,
    token TEXT NOT NULL,
    kind TEXT NOT NULL,       -- erhebung | erinnerung
    mode TEXT NOT NULL,       -- entwurf | smtp
    recipients TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    sent_at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS checks (
    sha256 TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '',
    year INTEGER,
    checked_at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    n_fehler INTEGER NOT NULL,
    n_warnungen INTEGER NOT NULL,
    n_hinweise INTEGER NOT NULL,
    problems_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_key ON history(indicator, year);
-- a value a delivery delivered as it was stored already: the observation keeps its delivery and no history row is
-- written, but withdrawing the earlier delivery must leave the value standing (merge/withdraw.py)
""" + CONFIRMATIONS_TABLE + """
CREATE INDEX IF NOT EXISTS confirmations_delivery ON confirmations(delivery_id);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
""" + EDITIONS_TABLE + ledger_table()

# meta key: the Stadtteile are stored by the Amt für Statistik's keys (set for new stores; stores up to 0.2
# numbered them alphabetically and are upgraded once, by name, see catalogue.upgrade)
DISTRICT_KEYS = "stadtteilschluessel"
OFFICIAL = "amtlich"
# meta key: the Datenstand, advanced by every transaction that changes something (Store.transaction)
STAND = "datenstand"
REQUIRED_TABLES = frozenset({"deliveries", "observations", "history", "rounds", "sendings", "checks", "meta"})

KEY_NAMES = ("indicator", "year", "area", "grp", "sex", "measure", "age", "nationality")  # ObservationKey's fields
KEY = ", ".join(KEY_NAMES)
OBSERVATION_COLUMNS = (*KEY_NAMES, "value", "flag", "note", "delivery_id")
HISTORY_INSERT = (f"INSERT INTO history ({KEY}, old_value, old_flag, old_note, old_delivery_id, new_value, new_flag,"
                  f" new_delivery_id, changed_at, reason) VALUES ({', '.join('?' * (len(KEY_NAMES) + 9))})")
UPSERT = (f"INSERT INTO observations ({', '.join(OBSERVATION_COLUMNS)}) VALUES"
          f" ({', '.join('?' * len(OBSERVATION_COLUMNS))}) ON CONFLICT ({KEY}) DO UPDATE SET"
          " value=excluded.value, flag=excluded.flag, note=excluded.note, delivery_id=excluded.delivery_id")
CONFIRMATION_INSERT = (f"INSERT OR REPLACE INTO confirmations ({KEY}, delivery_id, value, flag, note) VALUES"
                       f" ({', '.join('?' * (len(KEY_NAMES) + 4))})")

SIX_KEY_COLUMNS = KEY_NAMES[:6]  # the key of stores before 0.4


def key_columns(aged: bool, prefix: str = "") -> tuple[str, ...]:
    """The key columns to select, each as an SQL expression (``prefix``: a table alias such as "o."). A store before
    0.4 (not ``aged``), opened read-only and so not upgraded, reads as if every value had age group and nationality
    "alle"."""
    return tuple(f"{prefix}{name}" if aged or name in SIX_KEY_COLUMNS else f"'alle' AS {name}" for name in KEY_NAMES)


def key_match(aged: bool) -> str:
    """A WHERE clause that selects the row of one key (its eight fields as parameters)."""
    return " AND ".join(f"{name} = ?" if aged or name in SIX_KEY_COLUMNS else "'alle' = ?" for name in KEY_NAMES)


def drop_value_timestamps(db: sqlite3.Connection) -> None:
    """Stores of version 0.1 kept an updated_at per value in a rowid table: move the values over (in a transaction)."""
    db.execute("ALTER TABLE observations RENAME TO observations_old")
    db.execute("DROP INDEX IF EXISTS observations_delivery")
    db.execute(OBSERVATIONS_TABLE)
    kept = ", ".join((*SIX_KEY_COLUMNS, "value", "flag", "note", "delivery_id"))
    db.execute(f"INSERT INTO observations ({kept}) SELECT {kept} FROM observations_old")
    db.execute("DROP TABLE observations_old")


def tables_without_age(db: sqlite3.Connection) -> list[str]:
    """The tables that keep values by six key columns (stores before 0.4: no age group, no nationality)."""
    found = []
    for table in ("observations", "confirmations", "history"):
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if columns and "age" not in columns:
            found.append(table)
    return found


def add_age_and_nationality(db: sqlite3.Connection) -> int:
    """Stores before 0.4 keyed a value by six columns: give every value, history row and confirmation the age group
    "alle" and the nationality "alle" (inside a transaction). Returns the number of values given them.

    Observations and confirmations are tables WITHOUT ROWID whose primary key grows: they are made anew and their
    rows copied; the history (a rowid table) gets the two columns added and keeps its ids.
    """
    tables = tables_without_age(db)
    values = db.execute("SELECT COUNT(*) FROM observations").fetchone()[0] if "observations" in tables else 0
    rebuilt = {"observations": (OBSERVATIONS_TABLE, (*SIX_KEY_COLUMNS, "value", "flag", "note", "delivery_id")),
               "confirmations": (CONFIRMATIONS_TABLE, (*SIX_KEY_COLUMNS, "delivery_id", "value", "flag", "note"))}
    for table in tables:
        if table == "history":
            for column in ("age", "nationality"):
                db.execute(f"ALTER TABLE history ADD COLUMN {column} TEXT NOT NULL DEFAULT 'alle'")
            continue
        schema, columns = rebuilt[table]
        db.execute(f"ALTER TABLE {table} RENAME TO {table}_before_age")
        db.execute(f"DROP INDEX IF EXISTS {table}_delivery")
        db.execute(schema)
        names = ", ".join(columns)
        db.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table}_before_age")
        db.execute(f"DROP TABLE {table}_before_age")
    db.execute("CREATE INDEX IF NOT EXISTS confirmations_delivery ON confirmations(delivery_id)")
    return int(values)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write: SQLite's read-only mode (``mode=ro``), plus ``query_only``.

    A local path (C:\\…, a mapped drive, /home/…) is opened as a ``file:`` URI with ``mode=ro``. A path on a network
    share (\\\\server\\share\\…) is opened by its plain path with ``query_only``: as a URI it would be
    file://server/share/…, whose authority SQLite refuses. When a writer was killed inside a transaction, the store
    holds a hot journal that only a writable connection can roll back (SQLITE_READONLY_ROLLBACK); then, as for any
    path the read-only mode cannot open, the plain path is opened, and SQLite's recovery restores the last committed
    state (the only write a reading command can cause).
    """
    uri = sqlite_uri(path)
    if uri is not None:
        db = None
        try:
            db = sqlite3.connect(uri, uri=True, timeout=30)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            if db is not None:
                db.close()
        else:
            db.execute("PRAGMA query_only = ON")
            db.row_factory = sqlite3.Row
            return db
    db = sqlite3.connect(str(path), timeout=30)
    db.execute("PRAGMA query_only = ON")
    db.row_factory = sqlite3.Row
    return db

def sqlite_uri(path: PurePath) -> str | None:
    """``file:`` URI of a local store, read-only (``?mode=ro``); None for a path on a network share (UNC).

    file:///C:/Daten/monitoring.sqlite on Windows, file:///home/…/monitoring.sqlite elsewhere; characters a URI
    reads itself (?, #, %, blanks, umlauts) are percent-encoded.
    """
    if path.drive.startswith(("\\\\", "//")):
        return None
    text = (path if path.is_absolute() else Path(path).absolute()).as_posix()
    if not text.startswith("/"):
        text = "/" + text  # C:/… -> /C:/…
    return f"file://{quote(text, safe='/:')}?mode=ro"

def deliveries_as_events(db: sqlite3.Connection) -> None:
    """Stores up to 0.3 allowed each content once per office and year, without save times or withdrawals.

    A table constraint cannot be dropped in SQLite: the table is made anew and the rows copied (ids kept, so every
    reference stays valid), with foreign keys off meanwhile, as SQLite documents for a changed table.
    """
    columns = {row[1] for row in db.execute("PRAGMA table_info(deliveries)")}
    if "withdrawn_by" in columns:
        return
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(DELIVERIES_TABLE.replace("deliveries (", "deliveries_new (", 1))
        names = ", ".join(DELIVERY_COLUMNS)
        db.execute(f"INSERT INTO deliveries_new ({names}) SELECT {names} FROM deliveries")
        db.execute("DROP TABLE deliveries")
        db.execute("ALTER TABLE deliveries_new RENAME TO deliveries")
        db.execute("CREATE INDEX IF NOT EXISTS deliveries_content ON deliveries(sha256, office, year)")
    except BaseException:
        db.execute("ROLLBACK")
        db.execute("PRAGMA foreign_keys = ON")
        raise
    db.execute("COMMIT")
    db.execute("PRAGMA foreign_keys = ON")
