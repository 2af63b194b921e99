"""Stadtteil maps: where the shapes come from, how the values are classed, and the drawing (matplotlib, Agg).

Geometry
- The packaged default is toolkit/defaults/geo/stadtteile.geojson (OpenStreetMap, ODbL). A GeoJSON the city puts
  at templates/Stadtteile.geojson replaces it without a code change; its top-level ``"attribution"`` replaces
  the OpenStreetMap credit.
- Features are matched to the catalogue's Stadtteile, given as (area, key, name) triples (``district_triples``):
  by a key property (KEY_PROPERTIES, any case; '04' and '4' are one key), else by a name property compared
  normalised (case, ß/ss, ä/ae/a, hyphens, spaces, 'Str.'). A key on a feature whose name is another Stadtteil's
  is not trusted: the name wins, with a warning (a file with official keys read against a catalogue that numbers
  its Stadtteile otherwise). A Stadtteil without a shape and a shape without a Stadtteil are warnings
  (core/problems.py), never errors: the maps draw what they have.
- Read with the json module after a size check. No geometry library: geopandas, shapely and pyproj bring
  compiled GEOS/PROJ (tens of MB, Windows wheels to keep in step) for what takes a few lines here: reading
  polygons, one projection, filled paths (matplotlib draws those itself).

Projection: longitude/latitude (WGS 84, as GeoJSON prescribes) equirectangular around the city's centre, x scaled
by cos(latitude of the centre). Across Magdeburg's 25 km lengths and angles stay within 0.5 %: north up and the
true shape, where raw degrees would stretch the city 1.6 times east-west. Coordinates in metres (the surveying
office's ETRS89/UTM 32N) are shape-true already and drawn as they are.

Classes and colours
- At most five classes by quantiles of the published values as the tables round them: each class holds about
  as many Stadtteile as the next. Chosen over natural breaks (Jenks) because the map stands beside the ranked
  bars and its classes are their fifths ("the fifth of the Stadtteile with the highest rates"), because Jenks
  breaks jump with single values from year to year and are hard to explain in a legend, and because one outlier
  cannot squeeze all other Stadtteile into one colour. Equal values are never split; fewer distinct values give
  fewer classes. The legend names each class by its lowest and highest value.
- ColorBrewer YlGnBu, colour-blind safe, lightness falling monotonically (CIE L* 99 to 27, at least 14 per step),
  so the classes stay apart in grey print. Suppressed, sparsely populated and Stadtteile without a value are
  white with a grey hatch of their own, named in the legend, never a value colour.
- Every map states the city value, the source and the attribution; a scale bar and a north arrow.

Specs are frozen dataclasses of plain data (shapes already projected): the maps render in charts.render_all's
process pool like every chart, and the GeoJSON is read once per compile.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from toolkit.catalogue.model import Catalogue, name_key
from toolkit.core.cells import count_of, format_number, format_value
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem, problem
from toolkit.core.workspace import Workspace, shown
from toolkit.indicators.confidentiality import SPARSE as SPARSE_RATE
from toolkit.report.charts import CM, new_figure, png_bytes, shorten

DEFAULT_GEOMETRY = Path(__file__).resolve().parent.parent / "defaults" / "geo" / "stadtteile.geojson"
DEFAULT_NAME = "Standard-Kartengrundlage (OpenStreetMap)"
OSM_ATTRIBUTION = "Kartengrundlage: © OpenStreetMap-Mitwirkende (ODbL)"
KEY_PROPERTIES = ("schluessel", "schlüssel", "key", "nummer", "nr", "stt_nr", "sttnr", "stadtteil_nr",
                  "stadtteilnummer")
NAME_PROPERTIES = ("name", "stadtteil", "bezeichnung", "stt_name")
MAX_BYTES = 50_000_000
EARTH_RADIUS_KM = 6371.0

PALETTE = ("#FFFFCC", "#A1DAB4", "#41B6C4", "#2C7FB8", "#253494")  # ColorBrewer YlGnBu, light to dark
EDGE = "#4D4D4D"
HATCH_GREY = "#8C8C8C"
SHOWN, SUPPRESSED, SPARSE, MISSING = "", "gesperrt", "gering besiedelt", "keine Angabe"
STATES = {  # state -> (legend label, hatch); the hatch echoes the table symbol ('.', 'x', '…')
    SUPPRESSED: ("gesperrt (Geheimhaltung)", "////"),
    SPARSE: ("gering besiedelt – kein eigener Anteil", "xxx"),
    MISSING: ("keine Angabe", "..."),
}
MAP_SIZE = (16 * CM, 14 * CM)

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Shapes:
    """Every Stadtteil of the catalogue (catalogue order) with its outline in km, projected, north up.

    ``rings[i]`` is empty for a Stadtteil the map geometry has no shape for; exterior rings run counter-clockwise,
    holes clockwise, so any fill rule draws them right.
    """

    areas: tuple[str, ...]
    names: tuple[str, ...]
    rings: tuple[tuple[Ring, ...], ...]
    attribution: str = OSM_ATTRIBUTION

    @property
    def drawn(self) -> list[int]:
        return [i for i, rings in enumerate(self.rings) if rings]

    def bounds(self) -> tuple[float, float, float, float]:
        xs = [x for rings in self.rings for ring in rings for x, _ in ring]
        ys = [y for rings in self.rings for ring in rings for _, y in ring]
        return min(xs), min(ys), max(xs), max(ys)


# ---- geometry: read, match, project -----------------------------------------------------------------------


def district_triples(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    """(area, key, name) of every Stadtteil: the one place that knows which catalogue field is the key."""
    return [(d.area, d.schluessel, d.name) for d in catalogue.districts]


def load_shapes(workspace: Workspace, triples: Sequence[tuple[str, str, str]]) -> tuple[Shapes, list[Problem]]:
    """The Stadtteil shapes from the working folder's GeoJSON, else the packaged default; with the warnings."""
    own = workspace.map_geometry
    path, name = (own, shown(own, workspace.root)) if own.is_file() else (DEFAULT_GEOMETRY, DEFAULT_NAME)
    return match_shapes(read_geojson(path, name), triples, name)


def read_geojson(path: Path, name: str) -> dict:
    """The parsed FeatureCollection; InputError in German when it is too big, no JSON or no FeatureCollection."""
    hint = ("Die Datei als GeoJSON (UTF-8) speichern, z. B. in QGIS mit „Objekte speichern als … GeoJSON“, oder sie "
            "aus dem Ordner templates entfernen; dann gelten die mitgelieferten Stadtteilgrenzen.")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"Die Kartengrundlage {name} ist größer als {MAX_BYTES // 1_000_000} MB und wird nicht "
                         "gelesen.", hint=hint)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"Die Kartengrundlage {name} ist keine lesbare GeoJSON-Datei ({type(exc).__name__}).",
                         hint=hint) from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise InputError(f"Die Kartengrundlage {name} ist keine GeoJSON-FeatureCollection (es fehlt die Liste "
                         "„features“).", hint=hint)
    return data


def match_shapes(data: dict, triples: Sequence[tuple[str, str, str]], name: str) -> tuple[Shapes, list[Problem]]:
    """Assign the features to the Stadtteile by key, else by name; project; warn about what does not match."""
    by_key = {normal_key(key): i for i, (_area, key, _name) in enumerate(triples)}
    by_name = {name_key(label): i for i, (_area, _key, label) in enumerate(triples)}
    polygons: list[list[list[list[tuple[float, float]]]]] = [[] for _ in triples]
    problems: list[Problem] = []
    for n, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        key, label = _property(properties, KEY_PROPERTIES), _property(properties, NAME_PROPERTIES)
        keyed = by_key.get(normal_key(key)) if key else None
        named = by_name.get(name_key(label)) if label else None
        index = keyed if keyed is not None else named
        if keyed is not None and named is not None and keyed != named:
            problems.append(problem("flaeche-ohne-stadtteil", "widerspruch", file=name, found=label, key=key,
                                    other=triples[keyed][2], expected=triples[named][2]))
            index = named
        if index is None:
            problems.append(problem("flaeche-ohne-stadtteil", file=name, found=label or key or f"Nr. {n}"))
            continue
        polygons[index].extend(_polygons(feature.get("geometry"), name, label or f"Nr. {n}"))
    for (_area, key, label), found in zip(triples, polygons, strict=True):
        if not found:
            problems.append(problem("stadtteil-ohne-flaeche", file=name, found=label, key=key))
    attribution = data.get("attribution") if isinstance(data.get("attribution"), str) else OSM_ATTRIBUTION
    shapes = Shapes(tuple(a for a, _k, _n in triples), tuple(n for _a, _k, n in triples), _project(polygons),
                    attribution.strip() or OSM_ATTRIBUTION)
    return shapes, problems


def normal_key(key: str) -> str:
    """'04', '4', '4.0' -> '4'; other keys compared without case and surrounding blanks."""
    text = key.strip()
    return str(int(float(text))) if re.fullmatch(r"\d+(\.0*)?", text) else text.casefold()


def _property(properties: dict, names: tuple[str, ...]) -> str:
    lowered = {str(k).casefold(): v for k, v in properties.items()}
    for key in names:
        value = lowered.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _polygons(geometry: object, name: str, label: str) -> list[list[list[tuple[float, float]]]]:
    """The polygons (each a list of rings of (x, y)) of a Polygon, MultiPolygon or GeometryCollection."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "GeometryCollection":
        return [p for part in geometry.get("geometries") or [] for p in _polygons(part, name, label)]
    parts = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    try:
        polygons = [[[(float(point[0]), float(point[1])) for point in ring] for ring in part] for part in parts]
        if any(not math.isfinite(c) for polygon in polygons for ring in polygon for point in ring for c in point):
            raise ValueError(label)
    except (TypeError, ValueError, IndexError, KeyError):
        raise InputError(f"Die Fläche „{label}“ der Kartengrundlage {name} hat ungültige Koordinaten.",
                         hint="Die Datei in einem GIS (z. B. QGIS) prüfen und erneut als GeoJSON speichern.") from None
    return [[ring for ring in polygon if len(ring) >= 3] for polygon in polygons if polygon and len(polygon[0]) >= 3]


def _project(polygons: list[list[list[list[tuple[float, float]]]]]) -> tuple[tuple[Ring, ...], ...]:
    """Degrees -> km around the centre (x scaled by cos of its latitude); metres -> km. Rings oriented."""
    points = [p for shape in polygons for polygon in shape for ring in polygon for p in ring]
    if not points:
        return tuple(() for _ in polygons)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    if all(-180 <= x <= 180 for x in xs) and all(-90 <= y <= 90 for y in ys):
        ky = math.radians(1) * EARTH_RADIUS_KM
        kx = ky * math.cos(math.radians(cy))
    else:  # projected coordinates in metres (e.g. UTM): shape-true already
        kx = ky = 0.001

    def ring_km(ring: list[tuple[float, float]], exterior: bool) -> Ring:
        projected = [((x - cx) * kx, (y - cy) * ky) for x, y in ring]
        return tuple(projected if (_signed_area(projected) > 0) == exterior else projected[::-1])

    return tuple(tuple(ring_km(ring, n == 0) for polygon in shape for n, ring in enumerate(polygon))
                 for shape in polygons)


def _signed_area(ring: Sequence[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True)) / 2


# ---- classes ----------------------------------------------------------------------------------------------


def rounded(value: float, decimals: int) -> float:
    """The value as the tables show it (the same rounding as format_number)."""
    return float(f"{value:.{decimals}f}")


def quantile_classes(values: Sequence[float], decimals: int, most: int = 5) -> tuple[tuple[float, float], ...]:
    """(lowest, highest) of each class: about equally many values per class, equal values in the same class."""
    ordered = sorted(rounded(v, decimals) for v in values if not math.isnan(v))
    if not ordered:
        return ()
    k = min(most, len(set(ordered)))
    classes, start = [], 0
    for i in range(1, k + 1):
        end = len(ordered) if i == k else max(start + 1, round(i * len(ordered) / k))
        while end < len(ordered) and ordered[end] == ordered[end - 1]:
            end += 1
        if start < min(end, len(ordered)):
            classes.append((ordered[start], ordered[min(end, len(ordered)) - 1]))
        start = end
    return tuple(classes)


def class_colours(n: int) -> tuple[str, ...]:
    """n colours of the palette, spread over its whole lightness range."""
    if n <= 1:
        return PALETTE[2:3] * n
    return tuple(PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n))


def class_of(value: float, classes: Sequence[tuple[float, float]], decimals: int) -> int:
    shown_value = rounded(value, decimals)
    return next((i for i, (_low, high) in enumerate(classes) if shown_value <= high), len(classes) - 1)


# ---- the choropleth map ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapChart:
    """A choropleth of one indicator's Stadtteil values; values and states in the order of ``shapes``."""

    title: str
    unit: str
    source: str
    year: int
    shapes: Shapes
    values: tuple[float, ...]  # published value, NaN where none is shown
    states: tuple[str, ...]  # SHOWN, SUPPRESSED, SPARSE or MISSING
    city_value: float | None = None
    reference_label: str = "Gesamtstadt"
    decimals: int = 1
    caption: str = ""

    def png(self) -> bytes:
        return png_bytes(map_figure(self))

    def alt_text(self) -> str:
        return map_alt(self)


def map_state(record) -> str:
    """How a Stadtteil's cell of the protected frame is drawn: its value, or one of the hatched states."""
    if record is None:
        return MISSING
    if record.suppressed:
        return SPARSE if record.suppressed == SPARSE_RATE else SUPPRESSED
    return MISSING if record.published != record.published else SHOWN  # NaN: nothing delivered


def map_figure(spec: MapChart):  # -> Figure
    figure = new_figure(MAP_SIZE)
    figure.text(0.01, 0.975, shorten(spec.title, 95), fontsize=9, ha="left", va="top")
    axes = figure.add_axes((0.01, 0.1, 0.58, 0.8))
    classes = quantile_classes(spec.values, spec.decimals)
    colours = class_colours(len(classes))
    for i in spec.shapes.drawn:
        state = spec.states[i]
        if state == SHOWN:
            colour = colours[class_of(spec.values[i], classes, spec.decimals)]
            patch = PathPatch(ring_path(spec.shapes.rings[i]), facecolor=colour, edgecolor=EDGE, linewidth=0.35)
        else:
            patch = PathPatch(ring_path(spec.shapes.rings[i]), facecolor="white", edgecolor=HATCH_GREY, linewidth=0.35,
                              hatch=STATES[state][1])
        patch.set_gid(spec.shapes.areas[i])
        axes.add_artist(patch)  # not add_patch: the limits are set once in frame_map, not per vertex
    frame_map(axes, spec.shapes)
    handles = [Rectangle((0, 0), 1, 1, facecolor=c, edgecolor=EDGE, linewidth=0.4) for c in colours]
    labels = [_class_label(low, high, spec) for low, high in classes]
    for state in (SUPPRESSED, SPARSE, MISSING):
        if state in (spec.states[i] for i in spec.shapes.drawn):
            handles.append(Rectangle((0, 0), 1, 1, facecolor="white", edgecolor=HATCH_GREY, linewidth=0.4,
                                     hatch=STATES[state][1]))
            labels.append(STATES[state][0])
    x = 0.63
    if spec.city_value is not None and not math.isnan(spec.city_value):
        figure.text(x, 0.86, f"{spec.reference_label}: {format_value(spec.city_value, spec.unit, spec.decimals)}",
                    fontsize=8, fontweight="bold", ha="left", va="top")
    if handles:
        legend = figure.legend(handles, labels, loc="upper left", bbox_to_anchor=(x - 0.008, 0.8), fontsize=7,
                               title=f"{spec.year}, {_unit_words(spec.unit)}", title_fontsize=7.5, frameon=False,
                               alignment="left", handlelength=1.6, handleheight=1.1)
        legend.set_gid("legende")
    if classes:
        figure.text(x, 0.2, "Klassen: Quantile – je Klasse etwa\ngleich viele Stadtteile", fontsize=6.5,
                    color="#333333", ha="left", va="top", linespacing=1.3)
    figure.text(0.01, 0.048, shorten(f"Quelle: {spec.source}", 120), fontsize=6.5, color="#333333", ha="left",
                va="bottom")
    figure.text(0.01, 0.012, shorten(spec.shapes.attribution, 120), fontsize=6.5, color="#333333", ha="left",
                va="bottom", gid="kartengrundlage")
    return figure


def _unit_words(unit: str) -> str:
    return "Anzahl" if unit in ("Anzahl", "") else f"in {unit}"


def _class_label(low: float, high: float, spec: MapChart) -> str:
    count = sum(1 for v, s in zip(spec.values, spec.states, strict=True)
                if s == SHOWN and low <= rounded(v, spec.decimals) <= high)
    unit = "" if spec.unit in ("Anzahl", "") else f" {spec.unit}"
    low_text, high_text = (format_number(v, spec.decimals) for v in (low, high))
    values = low_text if low == high else f"{low_text} bis {high_text}"
    return f"{values}{unit} ({count_of(count, 'Stadtteil')})"


def ring_path(rings: tuple[Ring, ...]) -> MplPath:
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for ring in rings:
        vertices.extend(ring)
        vertices.append(ring[0])
        codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY])
    return MplPath(vertices, codes)


def frame_map(axes, shapes: Shapes, *, scale: bool = True) -> None:
    """Equal scale in x and y (the projection is in km), no axes; a scale bar and a north arrow."""
    x0, y0, x1, y1 = shapes.bounds() if shapes.drawn else (0.0, 0.0, 1.0, 1.0)
    pad = 0.03 * max(x1 - x0, y1 - y0)
    axes.set_xlim(x0 - pad, x1 + pad)
    axes.set_ylim(y0 - pad, y1 + pad)
    axes.set_aspect("equal")
    axes.set_axis_off()
    if not scale or not shapes.drawn:
        return
    length = 5.0 if x1 - x0 > 8 else 1.0
    axes.plot([x0, x0 + length], [y0, y0], color="#222222", linewidth=1.6, solid_capstyle="butt")
    axes.text(x0 + length / 2, y0 + 0.012 * (y1 - y0), f"{length:g} km", fontsize=6.5, ha="center", va="bottom")
    axes.annotate("N", xy=(x0, y1), xytext=(x0, y1 - 0.09 * (y1 - y0)), fontsize=7.5, ha="center", va="center",
                  arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 0.8})


def map_alt(spec: MapChart) -> str:
    """The map's message: highest and lowest Stadtteil, the city value, the darkest class, what is not shown."""
    names = spec.shapes.names
    shown_ = [i for i, state in enumerate(spec.states) if state == SHOWN]
    parts = [f"Karte: {spec.title}."]
    if shown_:
        top = max(shown_, key=lambda i: spec.values[i])
        low = min(shown_, key=lambda i: spec.values[i])
        parts.append(f"Höchster Wert: {names[top]} mit {_value(spec, spec.values[top])}; niedrigster Wert: "
                     f"{names[low]} mit {_value(spec, spec.values[low])}.")
    if spec.city_value is not None and not math.isnan(spec.city_value):
        parts.append(f"{spec.reference_label}: {_value(spec, spec.city_value)}.")
    classes = quantile_classes(spec.values, spec.decimals)
    if len(classes) > 1:
        darkest = [names[i] for i in shown_ if class_of(spec.values[i], classes, spec.decimals) == len(classes) - 1]
        parts.append(f"{len(classes)} Klassen nach Quantilen; dunkelste Klasse ({_value(spec, classes[-1][0])} bis "
                     f"{_value(spec, classes[-1][1])}): {', '.join(darkest)}.")
    counts = [(sum(1 for s in spec.states if s == state), words) for state, words in (
        (SUPPRESSED, "gesperrt (Geheimhaltung)"), (SPARSE, "gering besiedelt ohne eigenen Anteil"),
        (MISSING, "ohne Angabe"))]
    hidden = [f"{count_of(n, 'Stadtteil')} {words}" for n, words in counts if n]
    if hidden:
        parts.append(f"Ohne eigenen Wert (schraffiert): {', '.join(hidden)}.")
    missing = [names[i] for i, rings in enumerate(spec.shapes.rings) if not rings]
    if missing:
        parts.append(f"In der Kartengrundlage fehlen: {', '.join(missing)}.")
    return " ".join(parts)


def _value(spec: MapChart, value: float) -> str:
    return format_value(value, spec.unit, spec.decimals)
