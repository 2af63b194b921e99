"""The protected table is computed once per process for the same store, catalogue and settings (PROTECTED), and every
change of what it depends on computes it anew."""

from __future__ import annotations

import pytest
from report_fixtures import make_report_workspace

from toolkit.core.keys import ObservationKey
from toolkit.core.runtime import ContentMemo
from toolkit.core.store import Store
from toolkit.indicators import published as module
from toolkit.indicators.published import load_published


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """A small report folder and the list of calls of protect (the expensive step) load_published makes."""
    workspace = make_report_workspace(tmp_path / "ws", indicators=("DEM-01",), districts=9)
    calls: list[int] = []
    real = module.protect
    monkeypatch.setattr(module, "protect", lambda frame, *args: calls.append(len(frame)) or real(frame, *args))
    monkeypatch.setattr(module, "PROTECTED", ContentMemo(kept=2))
    return workspace, calls


def test_the_same_inputs_are_protected_once_and_each_caller_gets_its_own_table(counted):
    workspace, calls = counted
    first = load_published(workspace, 2024, breakdowns=True)
    first.frame.loc[:, "value"] = -1.0
    second = load_published(workspace, 2024, breakdowns=True)
    totals = load_published(workspace, 2024)
    assert len(calls) == 1
    assert (second.frame["value"].dropna() != -1.0).all() and totals.frame.equals(second.frame)
    assert load_published(workspace, 2023, breakdowns=True).frame["year"].max() == 2023 and len(calls) == 2
    load_published(workspace, 2024, breakdowns=True, internal=True)
    assert len(calls) == 3


def test_a_changed_store_or_setting_and_a_hot_journal_protect_anew(counted):
    workspace, calls = counted
    before = load_published(workspace, 2024, breakdowns=True).frame
    with Store(workspace.store_file) as store:
        key = ObservationKey(*max(store.keys([2024])))
        stored = store.get(key)
        with store.db:
            store.put(key, stored.value + 1000, stored.flag, stored.note, stored.delivery_id, "eine Korrektur")
    after = load_published(workspace, 2024, breakdowns=True).frame
    assert len(calls) == 2 and not after.equals(before)
    text = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(text.replace("mindesteinwohner = 500", "mindesteinwohner = 600"),
                                       encoding="utf-8")
    load_published(workspace, 2024, breakdowns=True)
    assert len(calls) == 3
    journal = workspace.store_file.with_name(workspace.store_file.name + "-journal")
    journal.write_bytes(b"\0" * 512)  # as a write broken off would leave it
    try:
        load_published(workspace, 2024, breakdowns=True)
        load_published(workspace, 2024, breakdowns=True)
    finally:
        journal.write_bytes(b"")
    assert len(calls) == 5
