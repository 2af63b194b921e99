"""The store's records of the coordination itself, beside the values: the publication ledger (editions and their
cells), the rounds ``distribute`` prepared, the layouts workbooks were distributed with, the e-mails sent and the
checks of files in inbox/. A base class of core/store.Store (the only other module with SQL, with core/store_schema.py);
never used on its own."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable

from toolkit.core.store_schema import EDITION_CELLS, RECORD_CELLS, RECORD_EDITION


def now() -> str:
    """Local time as ISO text, seconds precision: how every time is stored."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


class Records:
    """Methods of Store for the coordination's records (``self.db`` is the Store's connection)."""

    db: sqlite3.Connection

    def record_edition(self, *, year: int, folder: str, report: str, report_sha256: str,
                       cells: Iterable[tuple]) -> int:
        """The publication ledger: one released edition and its cells; returns its number. Inside a transaction."""
        edition = int(self.db.execute(RECORD_EDITION, (year, now(), folder, report, report_sha256)).lastrowid)
        self.db.executemany(RECORD_CELLS, ((edition, *cell) for cell in cells))
        return edition

    def editions(self) -> list[sqlite3.Row]:
        """Every released edition, oldest first; none in a store of a version before the ledger (read-only)."""
        try:
            return self.db.execute("SELECT * FROM editions ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []

    def edition_cells(self) -> list[tuple]:
        """Every cell of every edition: (edition, every field of ObservationKey, status, value, reason, rounding)."""
        try:
            return [tuple(row) for row in self.db.execute(EDITION_CELLS)]
        except sqlite3.OperationalError:
            return []

    # ---- rounds, sendings, checks -----------------------------------------------------------------

    def record_round(self, *, year: int, office: str, token: str, deadline: str, file_name: str, sha256: str,
                     layout_version: str, fingerprint: str) -> None:
        self.db.execute(
            "INSERT INTO rounds (year, office, token, deadline, file_name, sha256, layout_version, fingerprint,"
            " created_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (year, office) DO UPDATE SET token=excluded.token,"
            " deadline=excluded.deadline, file_name=excluded.file_name, sha256=excluded.sha256,"
            " layout_version=excluded.layout_version, fingerprint=excluded.fingerprint, created_at=excluded.created_at",
            (year, office, token, deadline, file_name, sha256, layout_version, fingerprint, now()),
        )

    def rounds(self, year: int) -> dict[str, sqlite3.Row]:
        return {r["office"]: r for r in self.db.execute("SELECT * FROM rounds WHERE year = ?", (year,))}

    def round_tokens(self) -> dict[tuple[int, str], str]:
        """(year, office) -> the token of the workbook sent in that round, for every round."""
        return {(r["year"], r["office"]): r["token"] for r in self.db.execute("SELECT year, office, token FROM rounds")}

    def latest_round_year(self) -> int | None:
        """The latest report year with a round, None before the first ``toolkit distribute``."""
        year = self.db.execute("SELECT MAX(year) FROM rounds").fetchone()[0]
        return None if year is None else int(year)

    def record_layout(self, *, year: int, office: str, fingerprint: str, snapshot: str) -> None:
        """Keep the layout a workbook was distributed with (the first time it is used)."""
        self.db.execute("INSERT INTO layouts (year, office, fingerprint, snapshot, created_at) VALUES (?,?,?,?,?)"
                        " ON CONFLICT (year, office, fingerprint) DO NOTHING", (year, office, fingerprint, snapshot,
                                                                                now()))

    def distributed_layouts(self) -> dict[tuple[str, int, str], str]:
        """(office, year, fingerprint) -> kept catalogue part of every layout a workbook was distributed with; ''
        for the current layout of a round distributed before layouts were kept."""
        found = {(r["office"], r["year"], r["fingerprint"]): "" for r in
                 self.db.execute("SELECT year, office, fingerprint FROM rounds")}
        found |= {(office, year, fingerprint): row["snapshot"]
                  for (year, office, fingerprint), row in self.layouts().items()}
        return found

    def layouts(self, year: int | None = None) -> dict[tuple[int, str, str], sqlite3.Row]:
        """(year, office, fingerprint) -> the distributed layout (snapshot, created_at); empty for a read-only store
        of an earlier version, which has no such table yet."""
        sql, params = ("SELECT * FROM layouts", ()) if year is None else ("SELECT * FROM layouts WHERE year = ?", (year,))
        try:
            rows = self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            return {}
        return {(r["year"], r["office"], r["fingerprint"]): r for r in rows}

    def record_sending(self, *, year: int, office: str, token: str, kind: str, mode: str, recipients: str,
                       message_id: str, sha256: str, ok: bool, error: str = "") -> None:
        self.db.execute(
            "INSERT INTO sendings (year, office, token, kind, mode, recipients, message_id, sha256, sent_at, ok,"
            " error) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (year, office, token, kind, mode, recipients, message_id, sha256, now(), int(ok), error),
        )

    def sendings(self, year: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM sendings WHERE year = ? ORDER BY id", (year,)).fetchall()

    def record_check(self, *, sha256: str, file_name: str, office: str, year: int | None, ok: bool,
                     counts: tuple[int, int, int], problems_json: str) -> None:
        self.db.execute(
            "INSERT INTO checks (sha256, file_name, office, year, checked_at, ok, n_fehler, n_warnungen, n_hinweise,"
            " problems_json) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (sha256) DO UPDATE SET"
            " file_name=excluded.file_name, office=excluded.office, year=excluded.year,"
            " checked_at=excluded.checked_at, ok=excluded.ok, n_fehler=excluded.n_fehler,"
            " n_warnungen=excluded.n_warnungen, n_hinweise=excluded.n_hinweise, problems_json=excluded.problems_json",
            (sha256, file_name, office, year, now(), int(ok), *counts, problems_json),
        )

    def checks(self, year: int | None = None) -> list[sqlite3.Row]:
        if year is None:
            return self.db.execute("SELECT * FROM checks ORDER BY checked_at").fetchall()
        return self.db.execute("SELECT * FROM checks WHERE year = ? ORDER BY checked_at", (year,)).fetchall()
