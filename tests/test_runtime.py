"""core/runtime: the one process-pool policy (workers_for) and the setting ``prozesse`` that every stage respects."""

from __future__ import annotations

import multiprocessing.context

import pytest
from conftest import make_workspace
from report_fixtures import make_report_workspace
from workbook_edit import filled_cells, set_cells

import toolkit.core.runtime as runtime
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import plan_workbook
from toolkit.core.errors import InputError
from toolkit.core.settings import DEFAULT_SETTINGS_TOML, load_settings
from toolkit.core.workspace import Workspace
from toolkit.merge.intake import merge_returns
from toolkit.report.compile import compile_report
from toolkit.returns.caches import Caches
from toolkit.returns.checks import check_files


def test_the_thresholds_decide_by_default(monkeypatch):
    monkeypatch.setattr(runtime, "cpu_count", lambda: 8)
    workers_for = runtime.workers_for
    assert workers_for("check", 2_999_999, 50) == 1  # bytes of the files
    assert workers_for("check", 3_000_000, 3) == 1  # too few files
    assert workers_for("check", 3_000_000, 50) == 4  # automatic: the cores, at most four
    assert workers_for("distribute", 29_999, 50) == 1 and workers_for("distribute", 30_000, 50) == 4
    assert workers_for("distribute", 30_000, 2) == 2  # never more processes than jobs
    assert workers_for("charts", 11, 11) == 1 and workers_for("charts", 12, 12) == 4


def test_one_core_works_alone(monkeypatch):
    monkeypatch.setattr(runtime, "cpu_count", lambda: 1)
    assert [runtime.workers_for(kind, 10**9, 100) for kind in runtime.POOL_THRESHOLDS] == [1, 1, 1]


def test_the_setting_limits_every_stage(monkeypatch):
    monkeypatch.setattr(runtime, "cpu_count", lambda: 2)
    for kind in runtime.POOL_THRESHOLDS:
        assert runtime.workers_for(kind, 10**9, 100, processes=1) == 1
    assert runtime.workers_for("check", 10**9, 100, processes=6) == 6  # more than the cores if asked for
    assert runtime.workers_for("check", 10**9, 3, processes=6) == 1  # but not below the threshold


def test_prozesse_in_toolkit_toml(tmp_path):
    path = tmp_path / "toolkit.toml"
    path.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    assert "[leistung]" in DEFAULT_SETTINGS_TOML and load_settings(path).prozesse == 0
    path.write_text(DEFAULT_SETTINGS_TOML.replace("prozesse = 0", "prozesse = 1"), encoding="utf-8")
    assert load_settings(path).prozesse == 1
    for wrong in ("-1", '"zwei"'):
        path.write_text(DEFAULT_SETTINGS_TOML.replace("prozesse = 0", f"prozesse = {wrong}"), encoding="utf-8")
        with pytest.raises(InputError, match="prozesse"):
            load_settings(path)


# two charts for the city: more than one picture, so by default the charts would share a pool; no Stadtteil maps
# or profiles, which would only add more of the same
REPORT = ("BIL-06", "ARB-03")


class PoolStarted(Exception):
    pass


@pytest.fixture
def pools_everywhere(monkeypatch):
    """Every threshold at zero on four cores (by default every stage would share its work), and a process pool
    that is never started: asking for one raises PoolStarted."""
    monkeypatch.setattr(runtime, "cpu_count", lambda: 4)
    for kind in list(runtime.POOL_THRESHOLDS):
        monkeypatch.setitem(runtime.POOL_THRESHOLDS, kind, runtime.PoolThreshold(0, items=1))

    def refused(self, processes=None, *args, **kwargs):
        raise PoolStarted(processes)

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pool", refused)


def _prozesse(workspace: Workspace, value: int) -> None:
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML.replace("prozesse = 0", f"prozesse = {value}"),
                                       encoding="utf-8")


def test_prozesse_1_starts_no_process_in_any_stage(tmp_path, catalogue, pools_everywhere):
    workspace = make_workspace(tmp_path / "ws")
    _prozesse(workspace, 1)
    result = distribute_round(workspace, 2025, offices=["SOZ", "JUGA"])
    assert result.count("entwurf") == 2
    for outcome in result.outcomes:
        set_cells(outcome.workbook, workspace.inbox / outcome.workbook.name,
                  filled_cells(plan_workbook(catalogue, outcome.office, 2025)))
    assert all(report.ok for report in check_files(workspace, caches=Caches()))
    merged = merge_returns(workspace)  # checks again and writes the master matrix
    assert merged.exit_code == 0 and [o.action for o in merged.outcomes] == ["übernommen", "übernommen"]
    report_workspace = make_report_workspace(tmp_path / "bericht", indicators=REPORT)
    _prozesse(report_workspace, 1)
    assert compile_report(report_workspace, 2024).report.is_file()  # the charts in this process


def test_by_default_every_stage_follows_the_thresholds(tmp_path, catalogue, pools_everywhere):
    workspace = make_workspace(tmp_path / "ws")
    _prozesse(workspace, 1)
    result = distribute_round(workspace, 2025, offices=["SOZ", "JUGA"])
    for outcome in result.outcomes:
        set_cells(outcome.workbook, workspace.inbox / outcome.workbook.name,
                  filled_cells(plan_workbook(catalogue, outcome.office, 2025)))
    _prozesse(workspace, 0)
    with pytest.raises(PoolStarted):
        distribute_round(workspace, 2025, offices=["SOZ", "JUGA"], again=True)
    with pytest.raises(PoolStarted):
        check_files(workspace)
    report_workspace = make_report_workspace(tmp_path / "bericht", indicators=REPORT)
    with pytest.raises(PoolStarted):
        compile_report(report_workspace, 2024)


def test_clear_memos_forgets_what_every_memo_of_the_process_keeps():
    """The benchmarks time every run as its own process: nothing read before is kept."""
    from toolkit.core import runtime

    first, second = runtime.ContentMemo(), runtime.ContentMemo()
    first.put(first.key(b"a"), 1)
    second.put(second.key(b"b", "x"), 2)
    assert first.get(first.key(b"a")) == 1 and second.get(second.key(b"b", "x")) == 2
    runtime.clear_memos()
    assert first.get(first.key(b"a")) is None and second.get(second.key(b"b", "x")) is None
