"""Shared fixtures of the test suite. Reuse them instead of building the same thing again: the whole suite must
stay well under a minute on two cores.

Built once per test run (under pytest-xdist once for all workers, see ``built_once``); use them read-only:

    catalogue           the default catalogue (Catalogue)
    demo_workspace      the working folder of one ``toolkit demo`` round (report year toolkit.demo.run.REPORT_YEAR):
                        store with six years, workbooks, mails, check reports, master matrix, report, annex,
                        profiles, open-data export; the faulty office's return is still in inbox/
    demo_output         what that ``toolkit demo`` printed (str)
    compiled_with_maps  report_fixtures' small working folder (SUBSET plus STT-01, 40 Stadtteile, 2015-2024)
                        compiled once: (Workspace, CompileResult); report, Tabellenanhang, Stadtteilprofile

Fresh for each test (change them freely):

    workspace           a new working folder: toolkit.toml and the default catalogue, no report template
                        (a copy of a folder built once per process, so it costs a directory copy)
    demo_copy           a copy of the demo folder (Workspace), for a test that writes into it (e.g. a check, which
                        writes its Prüfbericht); to convert a file, copy just that file to tmp_path

Helpers for fixtures of your own:

    make_workspace(root)                         what ``workspace`` gives, at any path
    report_fixtures.make_report_workspace(root)  a small working folder with hand-made values for the report tests;
                                                 pass fewer ``indicators`` or ``districts`` when the point needs less
    kiss_md.kiss_md_workspace(target)            the real KISS-MD tables imported
    built_once(tmp_path_factory, name, build)    a new expensive session fixture shared by several test files

Parallel runs: pyproject.toml's addopts run the suite with pytest-xdist on every core (-n auto) and keep each
test file on one worker (--dist loadfile), so a module fixture is built once. The demo round's own file runs first
(``pytest_collection_modifyitems``): it is the longest chain of the run; in every other file the tests that use the
demo round run last, so no other worker starts by waiting for the demo (xdist places a file where its first test
is; it was ~18 s of one idle worker). ``-n 0`` runs everything in one process; under Wine, where execnet needs minutes to start its
workers, ``-n auto`` means ``-n 0`` (``pytest_xdist_auto_num_workers``). xdist's controller loads this file as
well but runs no test: keep its top-level imports light (the heavy ones sit in the functions that build).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest imports readline, and readline puts its terminal's COLUMNS and LINES into the C environment, which
    # xdist's workers inherit (a run in one process has them only there, not in os.environ). Without them, as in one
    # process, toolkit.cli's console takes its width from the environment at each call (CliRunner(env=...)).
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import Catalogue, load_catalogue
from toolkit.core.settings import DEFAULT_SETTINGS_TOML
from toolkit.core.workspace import Workspace, ensure_folders

if TYPE_CHECKING:
    from toolkit.report.compile import CompileResult

T = TypeVar("T")

DEMO_FIXTURES = {"demo_workspace", "demo_output", "demo_copy"}
DEMO_FILE = "test_demo.py"  # the tests of the demo round itself: its longest chain


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)`` once per test run: the folder and the returned value (pickled) are shared by every xdist
    worker; the first one builds while the others wait for it. Without xdist simply ``build(factory.mktemp(name))``.
    Treat the folder as read-only: other tests, maybe in another process, read it at the same time."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(factory.mktemp(name))
    shared = factory.getbasetemp().parent  # the run's folder above each worker's own basetemp
    folder, result = shared / name, shared / f"{name}.pickle"
    with FileLock(str(shared / f"{name}.lock")):
        if result.is_file():
            return pickle.loads(result.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # left over by a build that failed in another worker
        folder.mkdir()
        value = build(folder)
        result.write_bytes(pickle.dumps(value))
        return value


def copy_folder(source: Path, target: Path) -> Path:
    """A copy of a working folder (shutil.copy2 needs CopyFile2, which Wine lacks)."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    return target


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


_template: list[Path] = []  # the working folder make_workspace copies, built once per process


def make_workspace(root: Path) -> Workspace:
    """A working folder with settings and the default catalogue (no report template needed)."""
    if not _template:
        import atexit
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="toolkit-ws-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Workspace(folder / "ws")
        ensure_folders(template)
        template.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
        write_catalogue_workbook(template.catalogue_file)
        _template.append(template.root)
    return Workspace(copy_folder(_template[0], Path(root)))


LEGACY = Path(__file__).parent / "data" / "legacy_0_2"
BEFORE_AGE = Path(__file__).parent / "data" / "legacy_before_age"


def legacy_workspace(root: Path, folder: Path = LEGACY) -> Workspace:
    """A working folder of an earlier version: settings, and catalogue and store as that version wrote them
    (tests/data/legacy_0_2: version 0.2.0; tests/data/legacy_before_age: before age and nationality, its README)."""
    workspace = Workspace(root)
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    shutil.copy(folder / "Indikatorenmatrix.xlsx", workspace.catalogue_file)
    shutil.copy(folder / "monitoring.sqlite", workspace.store_file)
    return workspace


def before_age_workspace(root: Path) -> Workspace:
    """The working folder written before age and nationality in tests/data/legacy_before_age (its README)."""
    return legacy_workspace(root, BEFORE_AGE)


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


def _run_demo(folder: Path) -> tuple[Workspace, str]:
    # imported here, not at the top: xdist's controller loads this file too and needs none of it
    from toolkit.cli import app

    with standing_in(folder):  # run from the folder above it, as a new user would
        result = CliRunner().invoke(app, ["demo", "Demo"])
    assert result.exit_code == 0, result.output
    return Workspace((folder / "Demo").resolve()), result.output


@pytest.fixture(scope="session")
def _demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, str]:
    return built_once(tmp_path_factory, "demo", _run_demo)


@pytest.fixture(scope="session")
def demo_workspace(_demo: tuple[Workspace, str]) -> Workspace:
    """One ``toolkit demo`` round per test run (read-only; a test that writes takes ``demo_copy``)."""
    return _demo[0]


@pytest.fixture(scope="session")
def demo_output(_demo: tuple[Workspace, str]) -> str:
    """What ``toolkit demo`` printed for ``demo_workspace``."""
    return _demo[1]


@pytest.fixture
def demo_copy(demo_workspace: Workspace, tmp_path: Path) -> Workspace:
    """A copy of the demo folder that the test may change."""
    return Workspace(copy_folder(demo_workspace.root, tmp_path / "Demo"))


def _compile_with_maps(folder: Path) -> tuple[Workspace, CompileResult]:
    # heavy (python-docx, matplotlib): imported here for the same reason
    from report_fixtures import SUBSET, make_report_workspace

    from toolkit.report.compile import compile_report

    workspace = make_report_workspace(folder / "ws", indicators=(*SUBSET, "STT-01"))
    return workspace, compile_report(workspace, 2024, processes=1)


@pytest.fixture(scope="session")
def compiled_with_maps(tmp_path_factory: pytest.TempPathFactory):
    """The small report working folder plus STT-01 (collected by Stadtteil, no data), compiled once for the report,
    map and profile tests: (workspace, CompileResult). Read-only."""
    return built_once(tmp_path_factory, "bericht", _compile_with_maps)


@pytest.fixture(scope="session")
def website(compiled_with_maps, tmp_path_factory: pytest.TempPathFactory):
    """The website of the small report working folder (compiled_with_maps), written once per test run for the
    structure and the browser tests: (workspace, WebsiteResult)."""
    from toolkit.publish.website import write_website

    workspace, _compiled = compiled_with_maps
    return workspace, built_once(tmp_path_factory, "website",
                                 lambda folder: write_website(workspace, 2024, folder / "Website", processes=1))


@pytest.fixture(scope="session")
def compiled_specs(compiled_with_maps):
    """What the compiled small report draws, rebuilt from the same published values: (workspace, result, catalogue,
    published, the report's chart and map specs in document order, the profiles' pictures (locator map and shares), map problems)."""
    from toolkit.indicators.published import load_published
    from toolkit.report.context import build_report
    from toolkit.report.deliveries import round_deliveries
    from toolkit.report.geometry import district_triples, load_shapes
    from toolkit.report.profiles import build_profiles

    workspace, result = compiled_with_maps
    catalogue, settings, published, _left_out = load_published(workspace, 2024)
    shapes, problems = load_shapes(workspace, district_triples(catalogue))
    deliveries, received = round_deliveries(workspace, 2024, catalogue)
    report = build_report(published, catalogue, settings, 2024, deliveries, received, shapes)
    locators = build_profiles(published, catalogue, 2024, shapes, settings.mindesteinwohner).figures
    return workspace, result, catalogue, published, report.charts, locators, problems


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The demo round's file first, in every other file the tests that use the demo last (stable otherwise): under
    xdist the demo's file is the longest chain, and the other worker starts with work that needs no demo."""
    def order(item: pytest.Item) -> tuple[bool, bool]:
        return item.path.name != DEMO_FILE, bool(DEMO_FIXTURES & set(getattr(item, "fixturenames", ())))

    items.sort(key=order)


def _under_wine() -> bool:
    if sys.platform != "win32":
        return False
    try:
        return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")
    except OSError:
        return False


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown when it is not installed or -p no:xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker per core (xdist's own count), but none under Wine, where starting the workers takes
    minutes (execnet's pipes); there the suite runs in one process."""
    return 0 if _under_wine() else None
