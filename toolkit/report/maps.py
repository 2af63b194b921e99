"""Stadtteil maps: rates as a choropleth in contiguous classes, counts as proportional circles, each Stadtteil's key
on the map with the key list beside it (matplotlib, Agg; shapes from report/geometry.py).

What is mapped (chosen in report/tables.py)
- A rate: a choropleth. Counts are never coloured by class, since a large Stadtteil would look "high" for its size:
  they are circles whose area is proportional to the count (``CircleMap``), over the Stadtteile in light grey.
- Where an indicator has its target group per Stadtteil, the map shows the target group (its rate, or for counts
  its share of the total), since the bars beside it already rank "Insgesamt".

Classes and colours (choropleth): report/map_classes.py (quantiles, contiguous round limits "bis unter", YlGnBu).
- A Stadtteil without a shown value is white with a grey hatch of its own and named in the legend with the symbol
  the tables show and its meaning (``symbol_label``: ". gesperrt (Geheimhaltung)", "x Aussage nicht sinnvoll
  (gering besiedelt)", "– nichts vorhanden", "… keine Angabe"), the same words as the Stadtteil bars.
- Circles take the colour of their group (report/group_styles.py), as the group's lines do.

Every map states the city value, the source and the attribution, has a scale bar and a north arrow, and writes the
Stadtteile's keys (the Amt's numbers) where they fit, with the key list beside the map. The layout is measured
(report/chart_layout.py): nothing is cut, the figure grows with what it holds.

Specs are frozen dataclasses of plain data (shapes already projected): the maps render in charts.render_all's
process pool like every chart, and the GeoJSON is read once per compile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Circle, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from toolkit.core.cells import count_of, format_value
from toolkit.indicators.confidentiality import MISSING_SYMBOL, SPARSE_SYMBOL, ZERO_SYMBOL, symbol_label
from toolkit.report.chart_layout import (
    CM,
    PAD,
    PT,
    SOURCE_SIZE,
    TEXT_COLOUR,
    TITLE_SIZE,
    WIDTH,
    Stack,
    extent,
    fitted_legend,
    new_figure,
    source_lines,
    text_width,
)
from toolkit.report.geometry import Shapes
from toolkit.report.group_styles import GROUP_STYLES, SeriesStyle
from toolkit.report.map_classes import (
    DARK,
    class_colours,
    class_labels,
    class_limits,
    class_of,
    quantile_classes,
)

EDGE = "#4D4D4D"
HATCH_GREY = "#8C8C8C"
BASE_GREY = "#EEEEEE"  # the Stadtteile under the circles
SHOWN = ""  # the state of a Stadtteil with a value; any other state is the symbol its table cell shows
HATCHES = {".": "////", "/": "\\\\\\\\", SPARSE_SYMBOL: "xxx", ZERO_SYMBOL: "---", MISSING_SYMBOL: "..."}
MAP_WIDTH = 9.4 * CM  # inches: the map beside its legend and key list
KEY_SIZE = 5.5
LIST_SIZE = 6.0
LEGEND_SIZE = 7.0
CIRCLE_SHARE = 0.055  # the largest circle's radius as a share of the map's longer side


def map_state(record, empty: bool = False) -> str:
    """A Stadtteil's state as its table cell shows it: SHOWN ('') for a value, else the symbol ('.', 'x', '–', '…');
    the same for the tables, the bars and the maps. ``empty``: a Stadtteil without inhabitants ('–' if no row)."""
    if record is None:
        return ZERO_SYMBOL if empty else MISSING_SYMBOL
    if record.suppressed:
        return record.symbol or "."
    if record.published != record.published:  # NaN: nothing delivered, or nothing there
        return record.symbol or MISSING_SYMBOL
    return SHOWN


# ---- the maps ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapChart:
    """A choropleth of one indicator's Stadtteil rates; values and states in the order of ``shapes``."""

    title: str
    unit: str
    source: str
    year: int
    shapes: Shapes
    values: tuple[float, ...]  # published value, NaN where none is shown
    states: tuple[str, ...]  # SHOWN or the symbol of the table cell (map_state)
    city_value: float | None = None
    reference_label: str = "Gesamtstadt"
    decimals: int = 1
    caption: str = ""

    def figure(self) -> Figure:
        return map_figure(self)

    def alt_text(self) -> str:
        return map_alt(self)


@dataclass(frozen=True)
class CircleMap:
    """Counts per Stadtteil as circles whose area is proportional to the count, in the group's colour."""

    title: str
    unit: str
    source: str
    year: int
    shapes: Shapes
    values: tuple[float, ...]
    states: tuple[str, ...]
    city_value: float | None = None
    reference_label: str = "Gesamtstadt"
    decimals: int = 0
    caption: str = ""
    style: SeriesStyle = GROUP_STYLES["insgesamt"]

    def figure(self) -> Figure:
        return circle_figure(self)

    def alt_text(self) -> str:
        return circle_alt(self)


MAPS = (MapChart, CircleMap)  # the kinds of Stadtteil map, placed after their bar chart (compile.place_maps)


def map_figure(spec: MapChart) -> Figure:
    classes = quantile_classes([v for v, s in zip(spec.values, spec.states, strict=True) if s == SHOWN],
                               spec.decimals)
    limits = class_limits(classes, spec.decimals)
    colours = class_colours(len(classes))
    stack, axes, column = _map_frame(spec)
    fills = {}
    for i in spec.shapes.drawn:
        if spec.states[i] == SHOWN:
            fills[i] = colours[class_of(spec.values[i], limits, spec.decimals)]
            patch = PathPatch(ring_path(spec.shapes.rings[i]), facecolor=fills[i], edgecolor=EDGE, linewidth=0.35)
        else:
            patch = _hatched(spec.shapes.rings[i], spec.states[i])
        patch.set_gid(spec.shapes.areas[i])
        axes.add_artist(patch)  # not add_patch: the limits are set once in frame_map, not per vertex
    _keys(axes, spec.shapes, stack, {i: "white" if fills.get(i) in DARK else "black" for i in spec.shapes.drawn},
          hatched={i for i in spec.shapes.drawn if spec.states[i] != SHOWN})
    counts = [sum(1 for i, s in enumerate(spec.states) if s == SHOWN and class_of(spec.values[i], limits,
                                                                                  spec.decimals) == k)
              for k in range(len(classes))]
    handles = [Rectangle((0, 0), 1, 1, facecolor=c, edgecolor=EDGE, linewidth=0.4) for c in colours]
    labels = [f"{label} ({n} {'Stadtteil' if n == 1 else 'Stadtteile'})"
              for label, n in zip(class_labels(classes, limits, spec.unit), counts, strict=True)]
    hidden_handles, hidden_labels = _hidden_entries(spec)
    legend, height = fitted_legend(stack.figure, handles + hidden_handles, labels + hidden_labels, column.width,
                                   LEGEND_SIZE, most_columns=1, title=f"{spec.year}, {_unit_words(spec.unit)}",
                                   title_fontsize=7.5, alignment="left", handlelength=1.6, handleheight=1.1)
    legend.set_gid("legende")
    column.legend(legend, height)
    if len(classes) > 1:
        column.text("Klassen: Quantile (je Klasse etwa gleich viele Stadtteile), Grenzen gerundet", SOURCE_SIZE)
    return _map_finish(spec, stack, column)


def circle_figure(spec: CircleMap) -> Figure:
    stack, axes, column = _map_frame(spec)
    for i in spec.shapes.drawn:
        if spec.states[i] == SHOWN:
            patch = PathPatch(ring_path(spec.shapes.rings[i]), facecolor=BASE_GREY, edgecolor="#9A9A9A",
                              linewidth=0.35)
        else:
            patch = _hatched(spec.shapes.rings[i], spec.states[i])
        patch.set_gid(spec.shapes.areas[i])
        axes.add_artist(patch)
    radius = _circle_scale(spec)
    shown = sorted((i for i in spec.shapes.drawn if spec.states[i] == SHOWN and spec.values[i] > 0),
                   key=lambda i: -spec.values[i])
    for i in shown:  # large circles first, so small ones stay visible on top
        x, y, _room = spec.shapes.anchors[i]
        circle = Circle((x, y), radius(spec.values[i]), facecolor=spec.style.colour, alpha=0.45,
                        edgecolor=spec.style.colour, linewidth=0.8, gid=f"kreis-{spec.shapes.areas[i]}")
        axes.add_artist(circle)
    _keys(axes, spec.shapes, stack, dict.fromkeys(spec.shapes.drawn, "black"),
          hatched={i for i in spec.shapes.drawn if spec.states[i] != SHOWN})
    column.text(f"{spec.year}, {_unit_words(spec.unit)}; Kreisfläche entspricht der Zahl", 7.5)
    _circle_legend(stack, column, spec, radius)
    hidden_handles, hidden_labels = _hidden_entries(spec)
    if hidden_handles:
        column.legend(*fitted_legend(stack.figure, hidden_handles, hidden_labels, column.width, LEGEND_SIZE,
                                     most_columns=1, handlelength=1.6, handleheight=1.1))
    return _map_finish(spec, stack, column)


def _circle_scale(spec: CircleMap):
    x0, y0, x1, y1 = spec.shapes.bounds() if spec.shapes.drawn else (0.0, 0.0, 1.0, 1.0)
    largest = max((v for v, s in zip(spec.values, spec.states, strict=True) if s == SHOWN), default=1.0) or 1.0
    r_max = CIRCLE_SHARE * max(x1 - x0, y1 - y0)
    return lambda value: r_max * math.sqrt(max(value, 0.0) / largest)


def _circle_legend(stack: Stack, column: _Column, spec: CircleMap, radius) -> None:
    """Reference circles in the map's scale (round values: about the largest, a quarter and a sixteenth of it),
    side by side on one baseline, each labelled below."""
    largest = max((v for v, s in zip(spec.values, spec.states, strict=True) if s == SHOWN), default=0.0)
    values = sorted({_round_down(largest / f) for f in (1, 4, 16)} - {0.0}, reverse=True)
    if not values:
        return
    radii = [radius(v) * column.px_per_km for v in values]
    labels = [format_value(v, spec.unit, 0) for v in values]
    widths = [max(2 * r, text_width(label, SOURCE_SIZE)) for r, label in zip(radii, labels, strict=True)]
    gap = 8 * PT
    width, height = sum(widths) + gap * (len(values) - 1), 2 * radii[0] + 2
    axes = stack.figure.add_axes((0, 0, 1, 1))  # one data unit is one pixel: the circles keep the map's scale
    axes.set_axis_off()
    axes.set_xlim(0, width)
    axes.set_ylim(0, height)
    stack.axes(axes, column.x, column.y, width, height)
    x, below = 0.0, 0.0
    for r, w, label in zip(radii, widths, labels, strict=True):
        axes.add_artist(Circle((x + w / 2, r + 1), r, facecolor=spec.style.colour, alpha=0.45,
                               edgecolor=spec.style.colour, linewidth=0.8))
        text = stack.text_at(label, SOURCE_SIZE, x=column.x + x + w / 2 - text_width(label, SOURCE_SIZE) / 2,
                             top=column.y + height + 2 * PT, color=TEXT_COLOUR)
        below = max(below, extent(text)[1])
        x += w + gap
    column.y += height + 2 * PT + below + 5 * PT


def _round_down(value: float) -> float:
    """1, 2 or 5 times a power of ten, not above the value."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return max(f * power for f in (1, 2, 5) if f * power <= value)


# ---- frame, keys, legend ------------------------------------------------------------------------------


class _Column:
    """The column right of the map: legend, notes and the key list, stacked from the top."""

    def __init__(self, stack: Stack, x: float, top: float, px_per_km: float) -> None:
        self.stack, self.x, self.y, self.px_per_km = stack, x, top, px_per_km
        self.width = stack.width - PAD - x
        self.map_bottom = top

    def text(self, text: str, size: float, **style) -> None:
        artist = self.stack.text_at(text, size, x=self.x, top=self.y, width=self.width, color=TEXT_COLOUR, **style)
        self.y += extent(artist)[1] + 4 * PT

    def legend(self, legend, height: float) -> None:
        self.stack.legend(legend, self.x, self.y)
        self.y += height + 5 * PT


def _map_frame(spec: MapChart | CircleMap) -> tuple[Stack, object, _Column]:
    """Title; the map axes on the left in the shapes' aspect; the column beside it starting with the city value."""
    figure = new_figure((WIDTH, 14 * CM))
    stack = Stack(figure)
    stack.text(spec.title, TITLE_SIZE, gap=5 * PT)
    axes = figure.add_axes((0, 0, 1, 1))
    frame_map(axes, spec.shapes)
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    width = MAP_WIDTH * figure.dpi
    height = width * (y1 - y0) / (x1 - x0)
    stack.axes(axes, PAD, stack.y, width, height)
    column = _Column(stack, PAD + width + 8 * PT, stack.y, width / (x1 - x0))
    if spec.city_value is not None and not math.isnan(spec.city_value):
        column.text(f"{spec.reference_label}: {format_value(spec.city_value, spec.unit, spec.decimals)}", 8,
                    fontweight="bold")
    column.map_bottom = stack.y + height
    return stack, axes, column


def _map_finish(spec: MapChart | CircleMap, stack: Stack, column: _Column) -> Figure:
    """The key list under the legend, then source and attribution under map and column."""
    column.text("Stadtteile", 6.5, fontweight="bold")
    entries = [f"{key} {name}" for i, (key, name) in enumerate(zip(spec.shapes.keys, spec.shapes.names,
                                                                     strict=True)) if spec.shapes.rings[i]]
    half = math.ceil(len(entries) / 2)
    gap = 6 * PT
    room = (column.width - gap) / 2
    tops = []
    for n, part in enumerate((entries[:half], entries[half:])):
        if part:
            artist = stack.text_at("\n".join(part), LIST_SIZE, x=column.x + n * (room + gap), top=column.y,
                                   width=room, color=TEXT_COLOUR, linespacing=1.25, gid="schluessel")
            tops.append(extent(artist)[1])
    column.y += max(tops, default=0)
    stack.y = max(column.map_bottom, column.y) + 5 * PT
    *_source, attribution = source_lines(stack, f"Quelle: {spec.source}", spec.shapes.attribution)
    attribution.set_gid("kartengrundlage")
    return stack.finish()


def _keys(axes, shapes: Shapes, stack: Stack, colours: dict[int, str], hatched: set[int]) -> None:
    """Each Stadtteil's key at its label point, where the key fits inside the shape."""
    (x0, x1) = axes.get_xlim()
    km_per_px = (x1 - x0) / (MAP_WIDTH * stack.figure.dpi)
    for i, colour in colours.items():
        key = shapes.keys[i] if shapes.keys else ""
        x, y, room = shapes.anchors[i] if shapes.anchors else (math.nan, math.nan, 0.0)
        half_diagonal = math.hypot(text_width(key, KEY_SIZE), KEY_SIZE * PT) / 2 * km_per_px
        if not key or math.isnan(x) or half_diagonal > room:
            continue
        box = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"} if i in hatched else None
        axes.text(x, y, key, fontsize=KEY_SIZE, ha="center", va="center", color=colour, bbox=box,
                  gid=f"schluessel-{shapes.areas[i]}")


def _hatched(rings, state: str) -> PathPatch:
    return PathPatch(ring_path(rings), facecolor="white", edgecolor=HATCH_GREY, linewidth=0.35,
                     hatch=HATCHES.get(state, HATCHES["."]))


def _hidden_entries(spec: MapChart | CircleMap) -> tuple[list, list[str]]:
    """A hatched square per state that occurs on the map, labelled with the symbol and its meaning."""
    states = [s for s in dict.fromkeys(spec.states[i] for i in spec.shapes.drawn) if s != SHOWN]
    states.sort(key=lambda s: list(HATCHES).index(s) if s in HATCHES else 0)
    handles = [Rectangle((0, 0), 1, 1, facecolor="white", edgecolor=HATCH_GREY, linewidth=0.4,
                         hatch=HATCHES.get(s, HATCHES["."])) for s in states]
    return handles, [symbol_label(s) for s in states]


def _unit_words(unit: str) -> str:
    return "Anzahl" if unit in ("Anzahl", "") else f"in {unit}"


def ring_path(rings: tuple) -> MplPath:
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


# ---- alt text -------------------------------------------------------------------------------------------


def map_alt(spec: MapChart) -> str:
    """The map's message: highest and lowest Stadtteil, the city value, the darkest class, what is not shown."""
    names = spec.shapes.names
    shown_ = [i for i, state in enumerate(spec.states) if state == SHOWN]
    parts = [f"Karte: {spec.title}."]
    parts += _extremes(spec, shown_, names)
    classes = quantile_classes([spec.values[i] for i in shown_], spec.decimals)
    if len(classes) > 1:
        limits = class_limits(classes, spec.decimals)
        darkest = [names[i] for i in shown_ if class_of(spec.values[i], limits, spec.decimals) == len(classes) - 1]
        parts.append(f"{len(classes)} Klassen nach Quantilen; dunkelste Klasse "
                     f"({class_labels(classes, limits, spec.unit)[-1]}): {', '.join(darkest)}.")
    return " ".join(parts + _not_shown(spec))


def circle_alt(spec: CircleMap) -> str:
    """The circle map's message: what the circles mean, the largest and smallest count, what is not shown."""
    shown_ = [i for i, state in enumerate(spec.states) if state == SHOWN]
    parts = [f"Karte: {spec.title}. Kreise, deren Fläche der Zahl je Stadtteil entspricht."]
    return " ".join(parts + _extremes(spec, shown_, spec.shapes.names) + _not_shown(spec))


def _extremes(spec: MapChart | CircleMap, shown_: list[int], names: Sequence[str]) -> list[str]:
    parts = []
    if shown_:
        top = max(shown_, key=lambda i: spec.values[i])
        low = min(shown_, key=lambda i: spec.values[i])
        parts.append(f"Höchster Wert: {names[top]} mit {_value(spec, spec.values[top])}; niedrigster Wert: "
                     f"{names[low]} mit {_value(spec, spec.values[low])}.")
    if spec.city_value is not None and not math.isnan(spec.city_value):
        parts.append(f"{spec.reference_label}: {_value(spec, spec.city_value)}.")
    return parts


def _not_shown(spec: MapChart | CircleMap) -> list[str]:
    states = [s for s in dict.fromkeys(spec.states) if s != SHOWN]
    counts = [f"{count_of(sum(1 for s in spec.states if s == state), 'Stadtteil')}: {symbol_label(state)}"
              for state in states]
    parts = [f"Ohne eigenen Wert (schraffiert): {', '.join(counts)}."] if counts else []
    missing = [spec.shapes.names[i] for i, rings in enumerate(spec.shapes.rings) if not rings]
    if missing:
        parts.append(f"In der Kartengrundlage fehlen: {', '.join(missing)}.")
    parts.append("Die Stadtteile sind mit ihrer Nummer beschriftet; die Liste neben der Karte nennt die Namen.")
    return parts


def _value(spec: MapChart | CircleMap, value: float) -> str:
    return format_value(value, spec.unit, spec.decimals)
