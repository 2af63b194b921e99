"""Several returns of one office in one merge count in the order the office saved them, never by file name; what
cannot be ordered is refused by name; content, not the file name, decides what is "schon übernommen"."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import make_workspace
from typer.testing import CliRunner
from workbook_edit import filled_cells, generate, replace_part, saved_at, set_cells

import toolkit.cli
from toolkit.collect.layout import plan_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.merge.merge import merge_returns

runner = CliRunner()
KEY = ObservationKey("SPR-03", 2025, "gesamtstadt", "insgesamt", "insgesamt", "zaehler")  # Erfassung!K5
FIRST, SECOND = "Erhebung_2025_JUGA.xlsx", "Erhebung_2025_JUGA (2).xlsx"
MONDAY, FRIDAY = dt.datetime(2026, 3, 10, 9, 0), dt.datetime(2026, 3, 14, 10, 12)


@pytest.fixture(scope="module")
def returns(tmp_path_factory, catalogue) -> dict[int, Path]:  # noqa: ANN001
    """JUGA returns, complete and clean, with 500, 510 or 520 in Erfassung!K5 (SPR-03 Zähler)."""
    root = tmp_path_factory.mktemp("order")
    blank = generate(root / "blank.xlsx", catalogue, "JUGA", 2025)
    cells = filled_cells(plan_workbook(catalogue, "JUGA", 2025))
    return {value: set_cells(blank, root / f"{value}.xlsx", {**cells, ("Erfassung", "K5"): value})
            for value in (500, 510, 520)}


def _workspace(tmp_path: Path):  # noqa: ANN202
    """A working folder whose store holds 444 for SPR-03 2025 (an earlier import)."""
    workspace = make_workspace(tmp_path / "ws")
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="Import", year=2025, file_name="alt.csv", sha256="a" * 64, source="import")
        store.put_many([(KEY, 444.0, "", "", "Import alt.csv")], delivery)
    return workspace


def _merge(workspace) -> tuple[int, str]:  # noqa: ANN001
    """Exit code, and the printed lines followed by every message (the CLI prints those in a table that wraps)."""
    result = merge_returns(workspace)
    lines = [*result.lines(), *(p.message for r in result.reports for p in r.problems)]
    return int(result.exit_code), " ".join(" ".join(lines).split())


def _cli_merge(workspace) -> tuple[int, str]:  # noqa: ANN001
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    return result.exit_code, " ".join(result.output.split())


def _chain(workspace) -> list[tuple]:  # noqa: ANN001
    """The value of KEY through time: (old, new, file of the new value), oldest first."""
    with Store(workspace.store_file) as store:
        return [(r["old_value"], r["new_value"], r["new_file"]) for r in store.history_rows("SPR-03")
                if (r["area"], r["grp"], r["sex"], r["measure"]) == KEY[2:]]


def _value(workspace) -> float | None:  # noqa: ANN001
    with Store(workspace.store_file) as store:
        stored = store.get(KEY)
    return None if stored is None else stored.value


def _store_state(workspace) -> tuple:  # noqa: ANN001
    with Store(workspace.store_file) as store:
        return (tuple(tuple(r) for r in store.db.execute("SELECT * FROM observations ORDER BY 1,2,3,4,5,6")),
                tuple(tuple(r)[:5] for r in store.deliveries()),
                tuple(tuple(r) for r in store.db.execute("SELECT * FROM history ORDER BY id")))


def test_the_return_saved_later_wins_although_its_name_sorts_first(tmp_path, returns):  # noqa: ANN001
    workspace = _workspace(tmp_path)
    saved_at(returns[500], workspace.inbox / FIRST, MONDAY)
    saved_at(returns[510], workspace.inbox / SECOND, FRIDAY, mtime=MONDAY)  # copied before the first: no matter
    code, output = _cli_merge(workspace)
    assert code == 0, output
    assert (f"{SECOND}: übernommen (0 neue, 1 geänderte Werte) -> archive/2025/JUGA/Erhebung_2025_JUGA _2_.xlsx "
            f"{SECOND} (gespeichert 14.03.2026 10:12) ersetzt {FIRST} (gespeichert 10.03.2026 09:00)") in output
    assert output.index(f"{FIRST}: übernommen") < output.index(f"{SECOND}: übernommen")
    assert _value(workspace) == 510
    assert _chain(workspace) == [(444, 500, FIRST), (500, 510, SECOND)]


def test_equal_document_times_are_ordered_by_the_file_time(tmp_path, returns):  # noqa: ANN001
    workspace = _workspace(tmp_path)
    saved_at(returns[510], workspace.inbox / "a.xlsx", FRIDAY, mtime=FRIDAY)
    saved_at(returns[500], workspace.inbox / "b.xlsx", FRIDAY, mtime=MONDAY)
    code, output = _merge(workspace)
    assert code == 0, output
    assert "a.xlsx (gespeichert 14.03.2026 10:12) ersetzt b.xlsx (gespeichert 14.03.2026 10:12)" in output
    assert _value(workspace) == 510


def test_returns_saved_at_the_same_time_with_different_values_are_both_refused(tmp_path, returns):  # noqa: ANN001
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


def test_returns_saved_at_the_same_time_with_the_same_values_count_once(tmp_path, returns):  # noqa: ANN001
    workspace = _workspace(tmp_path)
    saved_at(returns[510], workspace.inbox / FIRST, FRIDAY)
    # other bytes (another application part), the same values
    with zipfile.ZipFile(workspace.inbox / FIRST) as book:
        app = book.read("docProps/app.xml").replace(b"</Properties>", b"<Manager>x</Manager></Properties>")
    replace_part(workspace.inbox / FIRST, workspace.inbox / SECOND, "docProps/app.xml", app)
    shutil.copystat(workspace.inbox / FIRST, workspace.inbox / SECOND)
    code, output = _merge(workspace)
    assert code == 0, output
    assert f"{SECOND}: übernommen (169 neue, 1 geänderte Werte)" in output
    assert f"{FIRST}: bereits übernommen -> archive/2025/JUGA/{FIRST}" in output
    assert (f"Die Datei {FIRST} enthält dieselben Werte wie {SECOND}, die eben übernommen wurde; es ändert sich "
            "nichts.") in output
    assert _chain(workspace) == [(444, 510, SECOND)]
    assert list(workspace.inbox.glob("*.xlsx")) == []


def test_the_archived_original_put_back_is_a_new_delivery(tmp_path, returns):  # noqa: ANN001
    """Content decides: the file of delivery 2 again, after delivery 3 changed its value, restores that value."""
    workspace = _workspace(tmp_path)
    saved_at(returns[500], workspace.inbox / FIRST, MONDAY)
    assert _merge(workspace)[0] == 0
    saved_at(returns[510], workspace.inbox / SECOND, FRIDAY)
    assert _merge(workspace)[0] == 0
    shutil.copy2(workspace.archive / "2025" / "JUGA" / FIRST, workspace.inbox / FIRST)
    code, output = _merge(workspace)
    assert code == 0, output
    assert f"{FIRST}: übernommen (0 neue, 1 geänderte Werte)" in output
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
    shutil.copy2(workspace.archive / "2025" / "JUGA" / FIRST, workspace.inbox / FIRST)
    code, output = _merge(workspace)
    assert code == 0 and f"{FIRST}: bereits übernommen" in output
    assert f"Die Datei {FIRST} wurde schon übernommen (Lieferung 4); es ändert sich nichts." in output
    assert _store_state(workspace) == before
