"""Shared fixtures: the default catalogue and fresh working folders."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_fixtures import SUBSET, make_report_workspace

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import Catalogue, load_catalogue
from toolkit.core.settings import DEFAULT_SETTINGS_TOML
from toolkit.core.workspace import Workspace, ensure_folders
from toolkit.report.compile import compile_report


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


def make_workspace(root: Path) -> Workspace:
    """A working folder with settings and the default catalogue (no report template needed)."""
    workspace = Workspace(root)
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    write_catalogue_workbook(workspace.catalogue_file)
    return workspace


LEGACY = Path(__file__).parent / "data" / "legacy_0_2"
BEFORE_AGE = Path(__file__).parent / "data" / "legacy_before_age"


def legacy_workspace(root: Path) -> Workspace:
    """The working folder of version 0.2.0 in tests/data/legacy_0_2 (catalogue and store as that version wrote)."""
    workspace = Workspace(root)
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    shutil.copy(LEGACY / "Indikatorenmatrix.xlsx", workspace.catalogue_file)
    shutil.copy(LEGACY / "monitoring.sqlite", workspace.store_file)
    return workspace


def before_age_workspace(root: Path) -> Workspace:
    """The working folder written before age and nationality in tests/data/legacy_before_age (its README)."""
    workspace = Workspace(root)
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    shutil.copy(BEFORE_AGE / "Indikatorenmatrix.xlsx", workspace.catalogue_file)
    shutil.copy(BEFORE_AGE / "monitoring.sqlite", workspace.store_file)
    return workspace


@contextlib.contextmanager
def standing_in(folder: Path) -> Iterator[None]:
    """Run a command as a user standing in ``folder``: printed paths are relative to the current folder
    (core.workspace.for_user), so tests that compare them stand where the user would."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        yield


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def compiled_with_maps(tmp_path_factory: pytest.TempPathFactory):
    """The small report working folder plus STT-01 (collected by Stadtteil, no data), compiled once for the map
    and profile tests: (workspace, CompileResult)."""
    workspace = make_report_workspace(tmp_path_factory.mktemp("karten") / "ws", indicators=(*SUBSET, "STT-01"))
    return workspace, compile_report(workspace, 2024, processes=1)
