"""Pictures drawn once (report/picture_cache.py): one key per equal spec of every type, in any process; only what is
not kept is drawn; a changed value, a corrupt file or a folder that cannot be written means drawing, never a wrong
picture or a failed command; the cache stays bounded; warm and cold runs give the same bytes."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import copy_folder
from report_fixtures import make_report_workspace
from test_charts import bar_spec, line_spec
from test_pyramid import SOURCE, YEAR, frame

import toolkit.publish.graphics as graphics
import toolkit.report.charts as charts
import toolkit.report.picture_cache as picture_cache
from toolkit.core.errors import FileInUseError
from toolkit.core.settings import load_settings
from toolkit.core.workspace import Workspace
from toolkit.publish.pages import PICTURE_DIR
from toolkit.publish.website import write_website
from toolkit.report.charts import BarChart, LineChart, render_all
from toolkit.report.compile import compile_report
from toolkit.report.context import build_report
from toolkit.report.cover import CoverMap
from toolkit.report.deliveries import round_deliveries
from toolkit.report.group_styles import GROUP_STYLES
from toolkit.report.maps import MapChart
from toolkit.report.picture_cache import (
    KEY_CHARACTERS,
    MAGIC,
    SUFFIX,
    PictureCache,
    drawing_label,
    spec_bytes,
)
from toolkit.report.profile_figure import ProfileFigure
from toolkit.report.profiles import build_profiles
from toolkit.report.pyramid import PopulationPyramid, population_pyramid


class Recorder:
    """A progress that keeps the labels of its bars."""

    def __init__(self) -> None:
        self.labels: list[str] = []

    def track(self, items, label):
        self.labels.append(label)
        return items

    def note(self, text):
        return None


@pytest.fixture
def counted(monkeypatch):
    """charts.render, counting the specs it draws."""
    drawn: list[object] = []
    real = charts.render
    monkeypatch.setattr(charts, "render", lambda spec: drawn.append(spec) or real(spec))
    return drawn


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


# ---- keys ---------------------------------------------------------------------------------------------------


def _all_kinds(compiled_specs, catalogue, second: bool = False) -> list:
    """One spec of every type the report draws, built from the compiled small report (again when ``second``)."""
    workspace, _result, _catalogue, published, specs, locators, _problems = compiled_specs
    if second:  # built anew from the same published values: equal specs, other objects
        deliveries, received = round_deliveries(workspace, 2024, catalogue)
        shapes = pickle.loads(pickle.dumps(specs[[isinstance(s, MapChart) for s in specs].index(True)].shapes))
        settings = load_settings(workspace.settings_file)
        specs = build_report(published, catalogue, settings, 2024, deliveries, received, shapes).charts
        locators = build_profiles(published, catalogue, 2024, shapes, settings.mindesteinwohner).figures
    maps = [s for s in specs if isinstance(s, MapChart)]
    pyramid = population_pyramid(frame(), catalogue, catalogue.indicators["DEM-01"], YEAR, SOURCE, GROUP_STYLES)
    return [next(s for s in specs if isinstance(s, LineChart)), next(s for s in specs if isinstance(s, BarChart)),
            maps[0], locators[0], CoverMap(maps[0].shapes, "Magdeburg"), pyramid]


def test_equal_specs_built_separately_have_one_key_and_a_changed_value_another(compiled_specs, catalogue, tmp_path):
    first = _all_kinds(compiled_specs, catalogue)
    second = _all_kinds(compiled_specs, catalogue, second=True)
    assert [type(s) for s in first] == [LineChart, BarChart, MapChart, ProfileFigure, CoverMap, PopulationPyramid]
    cache = PictureCache(tmp_path / "bilder")
    assert first == second and all(a is not b for a, b in zip(first, second, strict=True))
    assert [cache.key(s, "png") for s in first] == [cache.key(s, "png") for s in second]
    assert len({cache.key(s, "png") for s in first}) == len(first)
    bars = first[1]
    changed = replace(bars, values=(bars.values[0] + 0.1, *bars.values[1:]))
    assert cache.key(changed, "png") != cache.key(bars, "png")
    assert cache.key(bars, "svg", "BIL-06-1", "Titel") != cache.key(bars, "svg", "BIL-06-2", "Titel")
    assert cache.key(bars, "svg", "a", "t") != cache.key(bars, "png")


def test_the_key_does_not_depend_on_which_objects_a_spec_shares():
    """Plain pickle writes an object it has seen as a reference: one spec sharing a label string, an equal one
    holding two copies, would give different bytes (and a picture drawn again every run)."""
    label = "".join(["Gruppe ", "1"])
    shared = line_spec(2)
    shared = replace(shared, lines=tuple(replace(line, label=label) for line in shared.lines))
    copies = replace(shared, lines=tuple(replace(line, label="".join(["Gruppe ", "1"])) for line in shared.lines))
    assert shared == copies and pickle.dumps(shared) != pickle.dumps(copies)
    assert spec_bytes(shared) == spec_bytes(copies)
    assert spec_bytes(lambda: None) is None  # cannot be pickled: drawn every time, never kept


def test_keys_are_the_same_in_another_process(tmp_path):
    """Another process (another string hash seed): the same environment and the same bytes for the same specs."""
    specs = [line_spec(3), bar_spec()]
    (tmp_path / "specs.pickle").write_bytes(pickle.dumps(specs))
    script = ("import hashlib, pickle, sys; from toolkit.report.picture_cache import environment, spec_bytes; "
              "specs = pickle.loads(open(sys.argv[1], 'rb').read()); "
              "print(environment().hex(), *(hashlib.sha256(spec_bytes(s)).hexdigest() for s in specs))")
    here = [picture_cache.environment().hex(), *(hashlib.sha256(spec_bytes(s)).hexdigest() for s in specs)]
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "specs.pickle")], capture_output=True,
                            text=True, env=environment, check=True)
    assert result.stdout.split() == here


# ---- drawing only what is not kept ------------------------------------------------------------------------


def test_only_what_is_not_kept_is_drawn_and_the_progress_line_counts_it(tmp_path, counted):
    folder = tmp_path / "bilder"
    specs = [line_spec(2), bar_spec(), line_spec(2)]  # the first and the last are equal: drawn once
    progress = Recorder()
    cold = render_all(specs, processes=1, progress=progress, cache=PictureCache(folder))
    assert len(counted) == 2 and len(_entries(folder)) == 2
    assert progress.labels == ["Grafiken zeichnen: 2 neu, 1 aus dem Zwischenspeicher"]
    assert [(r.png, r.alt) for r in cold] == [(r.png, r.alt) for r in render_all(specs, processes=1)]
    counted.clear()
    changed = replace(specs[1], city_value=21.0)
    warm = render_all([*specs, changed], processes=1, progress=progress, cache=PictureCache(folder))
    assert counted == [changed]
    assert progress.labels[-1] == "Grafiken zeichnen: 1 neu, 3 aus dem Zwischenspeicher"
    assert [(r.png, r.alt) for r in warm[:3]] == [(r.png, r.alt) for r in cold]
    assert drawing_label("Grafiken zeichnen", 4, 4) == "Grafiken zeichnen"  # nothing kept: the line as before


def test_a_truncated_or_corrupt_file_is_drawn_again_never_used(tmp_path, counted):
    folder = tmp_path / "bilder"
    specs = [line_spec(1), line_spec(2), line_spec(3), bar_spec()]
    cold = render_all(specs, processes=1, cache=PictureCache(folder))
    files = _entries(folder)
    files[0].write_bytes(files[0].read_bytes()[:-100])  # truncated
    data = bytearray(files[1].read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed
    files[1].write_bytes(bytes(data))
    files[2].write_bytes(b"")  # empty
    files[3].write_bytes(MAGIC)  # nothing after the head
    counted.clear()
    again = render_all(specs, processes=1, cache=PictureCache(folder))
    assert len(counted) == 4
    assert [r.png for r in again] == [r.png for r in cold]
    counted.clear()
    assert [r.png for r in render_all(specs, processes=1, cache=PictureCache(folder))] == [r.png for r in cold]
    assert counted == []  # the files were written anew


def test_a_folder_that_cannot_be_written_draws_everything_and_tries_once(tmp_path, monkeypatch, counted):
    calls = []

    def refused(path, data):
        calls.append(path)
        raise FileInUseError(f"{path} offen")  # what core.workspace raises after its retries on Windows

    specs = [line_spec(1), line_spec(2), bar_spec()]
    expected = [r.png for r in render_all(specs, processes=1)]
    counted.clear()
    monkeypatch.setattr(picture_cache, "atomic_write_bytes", refused)
    pictures = render_all(specs, processes=1, cache=PictureCache(tmp_path / "bilder"))
    assert [r.png for r in pictures] == expected
    assert len(calls) == 1 and len(counted) == 3 and not (tmp_path / "bilder").exists()


def test_compile_succeeds_where_the_cache_folder_is_a_file(tmp_path):
    """data/bilder cannot be made (a file of that name): on every system, compile draws and says nothing of it."""
    workspace = make_report_workspace(tmp_path / "ws", indicators=("BIL-06",), districts=9)
    workspace.picture_cache.write_bytes(b"kein Ordner")
    result = compile_report(workspace, 2024, processes=1)
    assert result.report.is_file() and result.profiles.is_file()
    assert workspace.picture_cache.read_bytes() == b"kein Ordner"


# ---- warm and cold give the same bytes ----------------------------------------------------------------------


def _media(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
        return {name: package.read(name) for name in package.namelist() if name.startswith("word/media/")}


def test_compile_and_website_warm_give_the_bytes_of_a_cold_run_and_draw_nothing(tmp_path, monkeypatch):
    workspace = make_report_workspace(tmp_path / "Integration #2 ä%" / "ws", indicators=("DEM-01", "BIL-06"),
                                      districts=9)  # a folder name as Windows users give them
    cold_workspace = Workspace(copy_folder(workspace.root, tmp_path / "kalt"))
    cold_site = write_website(cold_workspace, 2024, tmp_path / "site0", processes=1)  # nothing kept: all drawn
    pictures = {p.name: p.read_bytes() for p in (cold_site.folder / PICTURE_DIR).iterdir()}
    cold = compile_report(workspace, 2024, processes=1)
    documents = {"report": _media(cold.report), "profiles": _media(cold.profiles)}
    assert documents["report"] and documents["profiles"] and _entries(workspace.picture_cache)

    jobs: list[graphics.PictureJob] = []
    real_draw = graphics.draw
    monkeypatch.setattr(graphics, "draw", lambda job: jobs.append(job) or real_draw(job))
    site = write_website(workspace, 2024, tmp_path / "site1", processes=1)
    assert jobs and not any(job.png for job in jobs)  # the PNGs are those compile drew; only the SVGs are drawn
    assert {p.name: p.read_bytes() for p in (site.folder / PICTURE_DIR).iterdir()} == pictures

    def refused(spec):
        raise AssertionError(f"drawn again: {spec}")

    monkeypatch.setattr(charts, "render", refused)
    monkeypatch.setattr(graphics, "draw", refused)
    warm = compile_report(workspace, 2024, processes=1)
    assert {"report": _media(warm.report), "profiles": _media(warm.profiles)} == documents
    warm_site = write_website(workspace, 2024, tmp_path / "site2", processes=1)
    assert {p.name: p.read_bytes() for p in (warm_site.folder / PICTURE_DIR).iterdir()} == pictures


# ---- bounded ---------------------------------------------------------------------------------------------------


def test_prune_removes_the_unused_beyond_the_age_and_the_size_oldest_first(tmp_path, monkeypatch):
    folder = tmp_path / "bilder"
    folder.mkdir()
    now = 1_900_000_000.0
    day = 86400

    def entry(name: str, age_days: float, size: int = 100) -> Path:
        path = folder / f"{name}{SUFFIX}"
        path.write_bytes(b"x" * size)
        os.utime(path, (now - age_days * day, now - age_days * day))
        return path

    ancient = entry("ancient", picture_cache.MAX_AGE_DAYS + 1)
    old, middle, young = entry("old", 30), entry("middle", 20), entry("young", 10)
    leftover = folder / ".young.bild.abc.tmp"
    leftover.write_bytes(b"half")
    os.utime(leftover, (now - day, now - day))
    cache = PictureCache(folder)
    key = cache.key(line_spec(1), "png")
    cache.put(key, b"p" * 100)  # used by this run (its time is now, long before ``now``): never removed
    used = folder / f"{key[:KEY_CHARACTERS]}{SUFFIX}"
    monkeypatch.setattr(picture_cache, "MAX_BYTES", used.stat().st_size + 2 * 100)  # room for two more
    cache.prune(now)
    assert not ancient.exists() and not leftover.exists()  # too old; a write's leftover
    assert not old.exists()  # the oldest beyond the size
    assert sorted(p.name for p in folder.iterdir()) == sorted([used.name, middle.name, young.name])


def test_without_a_folder_nothing_is_kept(tmp_path, counted):
    render_all([line_spec(1)], processes=1, cache=PictureCache(None))
    render_all([line_spec(1)], processes=1)
    assert len(counted) == 2 and list(tmp_path.iterdir()) == []
