"""Stadtteil maps: one per Stadtteil indicator with data, beside its bars; attribution, alt text, hatching,
classes, projection, and the city's own GeoJSON replacing the default (matched by key or name, German warnings)."""

from __future__ import annotations

import json
import math
import pickle
import re

import docx
import pytest
from docx.oxml.ns import qn
from matplotlib.colors import to_hex
from matplotlib.patches import Circle, PathPatch
from report_fixtures import make_report_workspace
from typer.testing import CliRunner

from toolkit.catalogue.model import CITY, load_catalogue, name_key
from toolkit.cli import app
from toolkit.core.errors import InputError
from toolkit.core.keys import ObservationKey
from toolkit.core.runtime import ContentMemo
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.indicators.published import load_published
from toolkit.report import geometry
from toolkit.report.charts import render
from toolkit.report.context import build_report
from toolkit.report.deliveries import round_deliveries
from toolkit.report.geometry import (
    DEFAULT_GEOMETRY,
    OSM_ATTRIBUTION,
    district_triples,
    load_shapes,
    match_shapes,
    read_geojson,
)
from toolkit.report.map_classes import PALETTE, class_limits, quantile_classes
from toolkit.report.maps import BASE_GREY, MAPS, SHOWN, CircleMap, MapChart, map_figure
from toolkit.report.profile_figure import ProfileFigure

YEAR = 2024
TRIPLES = [("st01", "1", "Alt Olvenstedt"), ("st02", "2", "Alte Neustadt"), ("st03", "3", "Altstadt"),
           ("st20", "20", "Leipziger Straße")]


@pytest.fixture(scope="module")
def maps(compiled_specs):
    """The compiled report's pictures (alt texts in order) and the map specs built from the same published values."""
    workspace, result, catalogue, published, charts, _locators, problems = compiled_specs
    document = docx.Document(str(result.report))
    alts = [p.get("descr", "") for p in document.element.body.iter(qn("wp:docPr"))]
    specs = [c for c in charts if isinstance(c, MAPS)]
    return workspace, result, alts, specs, catalogue, published, problems


def _current(published, catalogue, indicator):
    """The report year's Stadtteil rows (insgesamt) of an indicator: area -> row, and the area names."""
    rows = published[(published["indicator"] == indicator) & (published["year"] == YEAR)
                     & published["area"].str.startswith("st") & (published["group"] == "insgesamt")
                     & (published["sex"] == "insgesamt")]
    return {r.area: r for r in rows.itertuples()}, {d.area: d.name for d in catalogue.districts}


def _patches(figure):
    return {p.get_gid(): p for p in figure.axes[0].patches if isinstance(p, PathPatch)}


def test_one_map_per_stadtteil_indicator_with_data_right_after_its_bars(maps):
    _workspace, result, alts, specs, catalogue, published, problems = maps
    districts = published[published["area"].str.startswith("st") & (published["year"] == YEAR)
                          & (published["suppressed"] == "") & published["published"].notna()]
    with_data = [i.id for i in catalogue.indicators.values() if i.stadtteile and i.id in set(districts["indicator"])]
    assert with_data == ["DEM-01", "DEM-02"]  # STT-01 is collected by Stadtteil but has no data: no map
    assert [s.title.split(",")[0] for s in specs] == ["Einwohnerinnen und Einwohner", "Ausländeranteil"]
    map_alts = [(n, alt) for n, alt in enumerate(alts) if alt.startswith("Karte:")]
    assert len(map_alts) == result.n_maps == len(with_data)
    for (n, alt), spec in zip(map_alts, specs, strict=True):
        assert alts[n - 1].startswith(f"Balkendiagramm: {spec.title}")  # the map follows its bar chart
        assert alt.startswith(f"Karte: {spec.title}")
    assert problems == []  # the packaged geometry has every Stadtteil of the catalogue


def test_every_map_names_highest_and_lowest_stadtteil_and_the_city_value(maps):
    _workspace, _result, alts, specs, catalogue, published, _problems = maps
    for spec, alt in zip(specs, [a for a in alts if a.startswith("Karte:")], strict=True):
        indicator = "DEM-01" if spec.unit == "Anzahl" else "DEM-02"
        rows, names = _current(published, catalogue, indicator)
        shown = {area: r.published for area, r in rows.items() if not r.suppressed}
        highest, lowest = max(shown, key=shown.get), min(shown, key=shown.get)
        assert f"Höchster Wert: {names[highest]} mit " in alt and f"niedrigster Wert: {names[lowest]} mit " in alt
        assert ("Gesamtstadt: " in alt) or ("Durchschnitt je Stadtteil: " in alt)
        hidden = sum(1 for r in rows.values() if r.suppressed)
        assert hidden and "Ohne eigenen Wert (schraffiert)" in alt


def test_every_map_carries_the_attribution_the_source_and_the_city_value(maps):
    specs = maps[3]
    for spec in specs:
        texts = [t.get_text() for t in spec.figure().texts]
        assert OSM_ATTRIBUTION in texts
        assert any(t.startswith("Quelle: ") for t in texts)
        assert any(t.startswith(("Gesamtstadt: ", "Durchschnitt je Stadtteil: ")) for t in texts)


def test_suppressed_and_sparse_stadtteile_are_hatched_never_a_value_colour(maps):
    _workspace, _result, _alts, specs, catalogue, published, _problems = maps
    assert [type(spec) for spec in specs] == [CircleMap, MapChart]  # DEM-01 counts: circles; DEM-02 rates: classes
    for spec, indicator in zip(specs, ("DEM-01", "DEM-02"), strict=True):
        rows, _names = _current(published, catalogue, indicator)
        patches = _patches(spec.figure())
        assert len(patches) == 40
        hatches = {".": "////", "x": "xxx"}  # the hatch follows the symbol the table cell shows
        hatched = 0
        for area, row in rows.items():
            patch = patches[area]
            if row.suppressed:
                hatched += 1
                assert patch.get_hatch() == hatches[row.symbol], (indicator, area)
                assert to_hex(patch.get_facecolor()) == "#ffffff"
            else:
                assert patch.get_hatch() is None
                colours = PALETTE if isinstance(spec, MapChart) else (BASE_GREY,)
                assert to_hex(patch.get_facecolor()).upper() in colours
        assert hatched >= 2
    legend = [t.get_text().replace("\n", " ") for t in map_figure(specs[1]).legends[0].get_texts()]
    assert "x Aussage nicht sinnvoll (gering besiedelt)" in legend and ". gesperrt (Geheimhaltung)" in legend


def test_legend_classes_are_contiguous_bis_unter_with_round_limits(tmp_path):
    values = [float(v) + 0.25 for v in range(30)]  # 0,25 … 29,25: six Stadtteile per class
    classes = quantile_classes(values, 1)
    assert classes == ((0.2, 5.2), (6.2, 11.2), (12.2, 17.2), (18.2, 23.2), (24.2, 29.2))
    assert class_limits(classes, 1) == (6.0, 12.0, 18.0, 24.0)  # the roundest number between two classes
    assert class_limits(((3.1, 12.7), (20.0, 29.6)), 1) == (20.0,)
    assert class_limits(((8.7, 8.7), (8.8, 9.0)), 1) == (8.8,)
    assert quantile_classes([1.0, 1.0, 1.0, 2.0, 2.0, 2.0], 1) == ((1.0, 1.0), (2.0, 2.0))  # equal values stay together
    assert quantile_classes([math.nan], 1) == ()
    shapes = load_shapes(Workspace(tmp_path), TRIPLES)[0]  # no GeoJSON of its own: the packaged default
    spec = MapChart("Quote", "%", "Amt", YEAR, shapes, (1234.5, 2.0, 3.0, 4.0), (SHOWN,) * 4, 3.0, decimals=1)
    labels = [t.get_text() for t in map_figure(spec).legends[0].get_texts()]
    assert labels == ["unter 3 % (1 Stadtteil)", "3 bis unter 4 % (1 Stadtteil)", "4 bis unter 1.000 % (1 Stadtteil)",
                      "1.000 % und mehr (1 Stadtteil)"]
    limits = [tuple(float(x.replace(".", "").replace(",", ".")) for x in re.findall(r"[\d.,]+", label.split(" (")[0]))
              for label in labels]
    for (*_rest, upper), (lower, *_more) in zip(limits, limits[1:], strict=False):
        assert upper == lower  # contiguous: each class begins where the one before ends


def test_palette_separates_in_grey_print():
    def lightness(colour: str) -> float:  # CIE L*
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 116 * y ** (1 / 3) - 16
    steps = [lightness(a) - lightness(b) for a, b in zip(PALETTE, PALETTE[1:], strict=False)]
    assert all(step >= 10 for step in steps), steps


def test_projection_keeps_the_shape_and_north_up():
    # a square of 2 km x 2 km at 52.1° north, given in degrees
    dlat, dlon = 2 / 111.195, 2 / (111.195 * math.cos(math.radians(52.1)))
    ring = [[11.6, 52.1], [11.6 + dlon, 52.1], [11.6 + dlon, 52.1 + dlat], [11.6, 52.1 + dlat], [11.6, 52.1]]
    data = {"features": [{"properties": {"name": "Altstadt"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    shapes, _problems = match_shapes(data, TRIPLES, "test.geojson")
    xs = [x for x, _ in shapes.rings[2][0]]
    ys = [y for _, y in shapes.rings[2][0]]
    assert max(xs) - min(xs) == pytest.approx(2.0, rel=0.005) and max(ys) - min(ys) == pytest.approx(2.0, rel=0.005)
    north = shapes.rings[2][0][2]  # the north-east corner lies above the south-east one
    assert north[1] > shapes.rings[2][0][1][1]
    metres = {"features": [{"properties": {"name": "Altstadt"}, "geometry": {"type": "Polygon", "coordinates": [
        [[680000, 5775000], [682000, 5775000], [682000, 5777000], [680000, 5777000], [680000, 5775000]]]}}]}
    utm = match_shapes(metres, TRIPLES, "utm.geojson")[0].rings[2][0]  # UTM metres: drawn as they are, in km
    assert max(x for x, _ in utm) - min(x for x, _ in utm) == pytest.approx(2.0)


def test_features_match_by_key_or_normalised_name_and_a_conflict_is_named():
    polygon = {"type": "Polygon", "coordinates": [[[11.6, 52.1], [11.61, 52.1], [11.61, 52.11], [11.6, 52.1]]]}
    data = {"features": [
        {"properties": {"SCHLUESSEL": "01"}, "geometry": polygon},  # key '01' is key '1'
        {"properties": {"Name": "ALTE-NEUSTADT"}, "geometry": polygon},
        {"properties": {"nummer": 3, "name": "Leipziger Str."}, "geometry": polygon},  # key of Altstadt, name of st20
        {"properties": {"name": "Rothensee"}, "geometry": polygon},
    ]}
    shapes, problems = match_shapes(data, TRIPLES, "templates/Stadtteile.geojson")
    assert [bool(r) for r in shapes.rings] == [True, True, False, True]
    messages = [p.message for p in problems]
    assert messages == [
        "Die Fläche „Leipziger Str.“ der Kartengrundlage templates/Stadtteile.geojson trägt den Schlüssel 3 (im "
        "Katalog: Altstadt), heißt aber wie der Stadtteil Leipziger Straße; sie wird nach dem Namen Leipziger "
        "Straße zugeordnet.",
        "Die Fläche „Rothensee“ der Kartengrundlage templates/Stadtteile.geojson gehört zu keinem Stadtteil des "
        "Katalogs; sie wird nicht gezeichnet.",
        "Der Stadtteil Altstadt (Schlüssel 3) hat in der Kartengrundlage templates/Stadtteile.geojson keine Fläche; "
        "die Karten zeigen ihn nicht.",
    ]
    assert all(p.severity == "warnung" for p in problems)
    catalogue = load_catalogue()
    assert len({name_key(d.name) for d in catalogue.districts}) == len(catalogue.districts)
    assert name_key("Sülzegrund") == name_key("Suelzegrund") == name_key("SULZEGRUND")


def _three_polygons(path, catalogue) -> list[str]:
    names = [d.name for d in catalogue.districts][:3]
    features = []
    for n, name in enumerate(names):
        x = 11.6 + 0.02 * n
        ring = [[x, 52.1], [x + 0.015, 52.1], [x + 0.015, 52.12], [x, 52.12], [x, 52.1]]
        features.append({"type": "Feature", "properties": {"name": name},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "attribution": "Kartengrundlage: Stadtvermessung",
                                "features": features}), encoding="utf-8")
    return names


def test_a_geojson_in_the_working_folder_replaces_the_default(maps, tmp_path):
    workspace, _result, _alts, _specs, catalogue, published, _problems = maps
    own = Workspace(tmp_path)
    names = _three_polygons(own.map_geometry, catalogue)
    shapes, problems = load_shapes(own, district_triples(catalogue))
    assert [shapes.names[i] for i in shapes.drawn] == names
    assert len(problems) == len(catalogue.districts) - 3
    deliveries, received = round_deliveries(workspace, YEAR, catalogue)
    _catalogue, settings, _published, _left_out = load_published(workspace, YEAR)
    specs = [c for c in build_report(published, catalogue, settings, YEAR, deliveries, received, shapes).charts
             if isinstance(c, MAPS)]
    assert specs
    for spec in specs:
        figure = spec.figure()
        patches = _patches(figure)
        assert sorted(patches) == sorted(d.area for d in catalogue.districts[:3])  # exactly those three shapes
        assert "Kartengrundlage: Stadtvermessung" in [t.get_text() for t in figure.texts]
        assert f"In der Kartengrundlage fehlen: {catalogue.districts[3].name}" in spec.alt_text()


def test_the_same_geojson_is_matched_once_and_a_changed_one_again(tmp_path, monkeypatch, catalogue):
    """load_shapes keeps what it matched by the file's bytes, its name and the Stadtteile: a second folder with the
    same file costs no projection; a changed file or other Stadtteile are matched anew; the warnings stay."""
    matched = []
    monkeypatch.setattr(geometry, "MATCHED", ContentMemo(kept=2))
    real = geometry.match_shapes
    monkeypatch.setattr(geometry, "match_shapes", lambda data, triples, name: matched.append(name) or real(
        data, triples, name))
    first, second = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    _three_polygons(first.map_geometry, catalogue)
    _three_polygons(second.map_geometry, catalogue)
    triples = district_triples(catalogue)
    shapes, problems = load_shapes(first, triples)
    problems.clear()
    again, warned = load_shapes(second, triples)
    assert matched == ["templates/Stadtteile.geojson"] and again == shapes
    assert len(warned) == len(catalogue.districts) - 3
    assert load_shapes(second, triples[:4])[0].names == tuple(d.name for d in catalogue.districts[:4])
    data = json.loads(second.map_geometry.read_text(encoding="utf-8"))
    data["features"] = data["features"][:2]
    second.map_geometry.write_text(json.dumps(data), encoding="utf-8")
    assert len(load_shapes(second, triples)[0].drawn) == 2 and len(matched) == 3


def test_a_missing_shape_is_a_german_warning_of_compile_and_the_map_draws_the_rest(tmp_path):
    """The warning and the map's alt text name every Stadtteil of the catalogue without a shape, with data or
    without (Buckau, the 23rd, has none here): the fewest Stadtteile with data (9) draw the map."""
    workspace = make_report_workspace(tmp_path / "ws", indicators=("DEM-02",), districts=9)
    data = json.loads(DEFAULT_GEOMETRY.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["name"] != "Buckau"]
    workspace.map_geometry.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["compile", "--year", "2024", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    key = next(k for _area, k, name in district_triples(load_catalogue(workspace.catalogue_file)) if name == "Buckau")
    assert (f"Warnung: Der Stadtteil Buckau (Schlüssel {key}) hat in der Kartengrundlage templates/Stadtteile.geojson "
            "keine Fläche; die Karten zeigen ihn nicht.") in result.output
    document = docx.Document(str(workspace.report_file(2024)))
    alts = [p.get("descr", "") for p in document.element.body.iter(qn("wp:docPr"))]
    assert any(a.startswith("Karte:") and "In der Kartengrundlage fehlen: Buckau." in a for a in alts)


def test_a_broken_geojson_is_an_input_error_naming_the_file(tmp_path):
    path = tmp_path / "Stadtteile.geojson"
    path.write_text("{ kein JSON", encoding="utf-8")
    with pytest.raises(InputError, match="Die Kartengrundlage templates/Stadtteile.geojson ist keine lesbare GeoJSON"):
        read_geojson(path, "templates/Stadtteile.geojson")
    path.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(InputError, match="keine GeoJSON-FeatureCollection"):
        read_geojson(path, "templates/Stadtteile.geojson")


def test_map_specs_are_plain_data_for_the_process_pool(maps):
    specs = maps[3]
    spec = specs[1]
    copy = pickle.loads(pickle.dumps(spec))
    assert repr(copy) == repr(spec) and set(copy.states) <= {SHOWN, ".", "x", "…", "–"}
    rendered = render(copy)
    assert rendered.png.startswith(b"\x89PNG") and rendered.alt == spec.alt_text()
    locator = ProfileFigure(spec.shapes.names[8], 2024, (), spec.shapes, 8)
    assert render(pickle.loads(pickle.dumps(locator))).alt.startswith(f"Lagekarte: Der Stadtteil {spec.shapes.names[8]}")


def test_every_stadtteil_carries_its_key_on_the_map_and_in_the_key_list(maps):
    _workspace, _result, _alts, specs, catalogue, _published, _problems = maps
    for spec in specs:
        figure = spec.figure()
        keys = {t.get_gid(): t.get_text() for t in figure.axes[0].texts if (t.get_gid() or "").startswith("schluessel")}
        assert keys == {f"schluessel-{d.area}": d.schluessel for d in catalogue.districts}  # all fit at this size
        listed = "\n".join(t.get_text() for t in figure.texts if t.get_gid() == "schluessel")
        assert all(f"{d.schluessel} {d.name}" in listed.split("\n") for d in catalogue.districts)
        assert "Die Stadtteile sind mit ihrer Nummer beschriftet" in spec.alt_text()


def test_counts_are_circles_with_area_proportional_to_the_count_never_class_colours(maps):
    _workspace, _result, _alts, specs, catalogue, published, _problems = maps
    circles_map = next(spec for spec in specs if isinstance(spec, CircleMap))
    rows, _names = _current(published, catalogue, "DEM-01")
    circles = {p.get_gid(): p for p in circles_map.figure().axes[0].patches if isinstance(p, Circle)}
    shown = {area: row.published for area, row in rows.items() if not row.suppressed and row.published > 0}
    assert set(circles) == {f"kreis-{area}" for area in shown}
    ratios = {area: circles[f"kreis-{area}"].get_radius() ** 2 / value for area, value in shown.items()}
    assert max(ratios.values()) == pytest.approx(min(ratios.values()))  # area, not radius, follows the count
    assert circles_map.alt_text().startswith(f"Karte: {circles_map.title}. Kreise, deren Fläche der Zahl")


def _put_groups_per_stadtteil(workspace: Workspace, catalogue) -> None:
    """DEM-01 by Deutsche/Nichtdeutsche per Stadtteil and ARB-06 (a rate) for all three groups per Stadtteil."""
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=YEAR, file_name="Gruppen.xlsx", sha256="c" * 64)
        for n, district in enumerate(catalogue.districts):
            nd = 0 if district.empty else 40 + 30 * n
            de = 0 if district.empty else 2000 + 100 * n
            for group, value in (("deutsch", de), ("nichtdeutsch", nd)):
                store.put(ObservationKey("DEM-01", YEAR, district.area, group, "insgesamt", "wert"), value, "", "",
                          delivery)
            for group, nenner in (("insgesamt", de + nd), ("deutsch", de), ("nichtdeutsch", nd)):
                for measure, value in (("nenner", nenner), ("zaehler", nenner // 10)):
                    store.put(ObservationKey("ARB-06", YEAR, district.area, group, "insgesamt", measure), value, "", "",
                              delivery)
        for group, nenner in (("insgesamt", 200_000), ("deutsch", 180_000), ("nichtdeutsch", 20_000)):
            for measure, value in (("nenner", nenner), ("zaehler", nenner // 10)):
                store.put(ObservationKey("ARB-06", YEAR, CITY, group, "insgesamt", measure), value, "", "", delivery)


def test_the_target_group_is_mapped_and_a_counts_target_share(tmp_path):
    workspace = make_report_workspace(tmp_path / "ws", indicators=("DEM-01", "ARB-06"))
    catalogue = load_catalogue(workspace.catalogue_file)
    _put_groups_per_stadtteil(workspace, catalogue)
    _catalogue, settings, published, _left_out = load_published(workspace, YEAR)
    shapes, _problems = load_shapes(workspace, district_triples(catalogue))
    deliveries, received = round_deliveries(workspace, YEAR, catalogue)
    specs = [c for c in build_report(published, catalogue, settings, YEAR, deliveries, received, shapes).charts
             if isinstance(c, MAPS)]
    assert [(type(s).__name__, s.title) for s in specs] == [
        ("CircleMap", f"Einwohnerinnen und Einwohner, Insgesamt, nach Stadtteilen {YEAR}"),
        ("MapChart", f"Einwohnerinnen und Einwohner: Anteil der Gruppe „Nichtdeutsche“, nach Stadtteilen {YEAR}"),
        ("MapChart", f"Arbeitslosenanteil im Stadtteil, Nichtdeutsche, nach Stadtteilen {YEAR}"),
    ]
    share = specs[1]
    rows = published[(published["indicator"] == "DEM-01") & (published["year"] == YEAR)
                      & (published["sex"] == "insgesamt")]
    value = {(r.area, r.group): r for r in rows.itertuples()}
    for area, shown, state in zip(share.shapes.areas, share.values, share.states, strict=True):
        district = next(d for d in catalogue.districts if d.area == area)
        total, part = value.get((area, "insgesamt")), value.get((area, "nichtdeutsch"))
        if state == SHOWN:
            assert shown == pytest.approx(100 * part.published / total.published)  # from the published counts
        elif district.sparse(settings.mindesteinwohner) and not part.suppressed and not total.suppressed:
            assert state in ("x", "–")  # no share of its own for a sparsely populated Stadtteil
        else:
            assert state in (".", "–", "…")
    assert share.unit == "%" and share.city_value == pytest.approx(100 * value[(CITY, "nichtdeutsch")].published
                                                                   / value[(CITY, "insgesamt")].published)
