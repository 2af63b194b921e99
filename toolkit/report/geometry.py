"""Stadtteil shapes for the maps: where they come from, how they are matched to the catalogue, the projection, and
where each Stadtteil's key label fits.

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
  polygons, one projection, filled paths (matplotlib draws those itself), a label point per Stadtteil.

Projection: longitude/latitude (WGS 84, as GeoJSON prescribes) equirectangular around the city's centre, x scaled
by cos(latitude of the centre). Across Magdeburg's 25 km lengths and angles stay within 0.5 %: north up and the
true shape, where raw degrees would stretch the city 1.6 times east-west. Coordinates in metres (the surveying
office's ETRS89/UTM 32N) are shape-true already and drawn as they are.

Label points: the map writes each Stadtteil's key (the Amt's two-digit number) at the point of its shape farthest
from the outline (found on a grid, then refined), with that distance, so a map knows whether the key fits. Computed
once per compile, with the shapes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.path import Path as MplPath

from toolkit.catalogue.model import Catalogue, name_key
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem, problem
from toolkit.core.runtime import ContentMemo
from toolkit.core.workspace import Workspace, shown

DEFAULT_GEOMETRY = Path(__file__).resolve().parent.parent / "defaults" / "geo" / "stadtteile.geojson"
DEFAULT_NAME = "Standard-Kartengrundlage (OpenStreetMap)"
OSM_ATTRIBUTION = "Kartengrundlage: © OpenStreetMap-Mitwirkende (ODbL)"
KEY_PROPERTIES = ("schluessel", "schlüssel", "key", "nummer", "nr", "stt_nr", "sttnr", "stadtteil_nr",
                  "stadtteilnummer")
NAME_PROPERTIES = ("name", "stadtteil", "bezeichnung", "stt_name")
MAX_BYTES = 50_000_000
EARTH_RADIUS_KM = 6371.0
NO_ANCHOR = (math.nan, math.nan, 0.0)

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
    keys: tuple[str, ...] = ()  # the Amt's keys ('01'), in the order of ``areas``
    anchors: tuple[tuple[float, float, float], ...] = ()  # (x, y, room): label point and its distance to the outline

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


# The matched shapes by the GeoJSON's bytes, its name and the Stadtteile (immutable: Shapes and the problems are
# frozen): compile, the edition and the website of one publish, or a test's commands, project them once (0.14 s).
MATCHED: ContentMemo[tuple[Shapes, tuple[Problem, ...]]] = ContentMemo()
GEOJSON_HINT = ("Die Datei als GeoJSON (UTF-8) speichern, z. B. in QGIS mit „Objekte speichern als … GeoJSON“, oder "
                "sie aus dem Ordner templates entfernen; dann gelten die mitgelieferten Stadtteilgrenzen.")


def load_shapes(workspace: Workspace, triples: Sequence[tuple[str, str, str]]) -> tuple[Shapes, list[Problem]]:
    """The Stadtteil shapes from the working folder's GeoJSON, else the packaged default; with the warnings."""
    own = workspace.map_geometry
    path, name = (own, shown(own, workspace.root)) if own.is_file() else (DEFAULT_GEOMETRY, DEFAULT_NAME)
    raw = _geojson_bytes(path, name)
    key = MATCHED.key(raw, name, tuple(triples))
    found = MATCHED.get(key)
    if found is None:
        shapes, problems = match_shapes(_parsed_geojson(raw, name), triples, name)
        found = shapes, tuple(problems)
        MATCHED.put(key, found)
    return found[0], list(found[1])


def read_geojson(path: Path, name: str) -> dict:
    """The parsed FeatureCollection; InputError in German when it is too big, no JSON or no FeatureCollection."""
    return _parsed_geojson(_geojson_bytes(path, name), name)


def _geojson_bytes(path: Path, name: str) -> bytes:
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"Die Kartengrundlage {name} ist größer als {MAX_BYTES // 1_000_000} MB und wird nicht "
                         "gelesen.", hint=GEOJSON_HINT)
    return path.read_bytes()


def _parsed_geojson(raw: bytes, name: str) -> dict:
    hint = GEOJSON_HINT
    try:
        data = json.loads(raw.decode("utf-8-sig"))
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
    rings = _project(polygons)
    shapes = Shapes(tuple(a for a, _k, _n in triples), tuple(n for _a, _k, n in triples), rings,
                    attribution.strip() or OSM_ATTRIBUTION, tuple(k for _a, k, _n in triples),
                    tuple(label_point(r) if r else NO_ANCHOR for r in rings))
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



# ---- label points ----------------------------------------------------------------------------------------


def label_point(rings: tuple[Ring, ...], steps: int = 12) -> tuple[float, float, float]:
    """(x, y, room): a point inside the shape far from its outline (the largest ring's pole of inaccessibility,
    on a grid of ``steps`` x ``steps`` refined twice) and its distance to the nearest edge, in km."""
    outer = max((r for r in rings), key=lambda r: abs(_signed_area(r)))
    path = MplPath(np.asarray([*outer, outer[0]]), closed=True)
    edges = np.asarray([(a, b) for ring in rings for a, b in zip(ring, [*ring[1:], ring[0]], strict=True)])
    xs, ys = [x for x, _ in outer], [y for _, y in outer]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    best = ((x0 + x1) / 2, (y0 + y1) / 2, 0.0)
    for _ in range(3):
        gx, gy = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
        points = np.column_stack([gx.ravel(), gy.ravel()])
        inside = points[path.contains_points(points)]
        if len(inside):
            room = _distance_to_edges(inside, edges)
            n = int(np.argmax(room))
            if room[n] > best[2]:
                best = (float(inside[n, 0]), float(inside[n, 1]), float(room[n]))
        dx, dy = (x1 - x0) / steps, (y1 - y0) / steps
        x0, x1, y0, y1 = best[0] - dx, best[0] + dx, best[1] - dy, best[1] + dy
    return best


def _distance_to_edges(points: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Distance of each point to the nearest of the edges ((a, b) pairs of points)."""
    a, b = edges[:, 0, :], edges[:, 1, :]
    ab = b - a
    length = np.maximum((ab ** 2).sum(axis=1), 1e-12)
    ap = points[:, None, :] - a[None, :, :]
    t = np.clip((ap * ab[None, :, :]).sum(axis=2) / length[None, :], 0.0, 1.0)
    nearest = a[None, :, :] + t[:, :, None] * ab[None, :, :]
    return np.sqrt(((points[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)
