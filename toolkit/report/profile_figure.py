"""The picture at the top of a Stadtteil profile: where the Stadtteil lies and its key shares against the city.

One figure, two parts, so the page holds a map, a chart and the table: on the left the locator map (the city's
Stadtteile in light grey, this one dark), on the right one bar per published share of the Stadtteil with the
Gesamtstadt's value as a black mark (black marks references in every chart, group_styles). The bars show the values
as the table prints them (rounded to the indicator's decimals), so chart and table never disagree. Without a
map shape the chart takes the whole width; without a share, the map stands alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch

from toolkit.core.cells import format_number
from toolkit.report.chart_layout import CM, TEXT_COLOUR, new_figure, text_width, wrap
from toolkit.report.geometry import Shapes
from toolkit.report.group_styles import REFERENCE
from toolkit.report.map_classes import PALETTE
from toolkit.report.maps import frame_map, ring_path

WIDTH_CM = 16.0
MAP_SHARE = 0.34  # of the width, for the locator map
LABEL_SIZE = 7.0
BAR_CM = 0.6  # height per share


@dataclass(frozen=True)
class Share:
    """One bar: a share of the Stadtteil and of the city, both as printed (rounded)."""

    label: str
    value: float
    city: float | None
    decimals: int = 1


@dataclass(frozen=True)
class ProfileFigure:
    name: str
    year: int
    shares: tuple[Share, ...]
    shapes: Shapes | None = None
    index: int = -1  # the Stadtteil's index in shapes; -1 without a map

    @property
    def has_map(self) -> bool:
        return self.shapes is not None and self.index >= 0

    @property
    def height_cm(self) -> float:
        return max(7.5 if self.has_map else 0.0, 1.2 + BAR_CM * len(self.shares))

    @property
    def width_cm(self) -> float:
        return WIDTH_CM if self.shares else 6.5

    def figure(self) -> Figure:
        return profile_figure(self)

    def alt_text(self) -> str:
        parts = []
        if self.has_map:
            parts.append(f"Lagekarte: Der Stadtteil {self.name} (dunkel hervorgehoben) liegt "
                         f"{position_words(self.shapes, self.index)} des Stadtgebiets.")
        if self.shares:
            parts.append(f"Balkendiagramm: ausgewählte Anteile {self.year} im Stadtteil {self.name} und in der "
                         "Gesamtstadt, in Prozent.")
            parts += [f"{s.label}: {format_number(s.value, s.decimals)} %"
                      + (f", Gesamtstadt {format_number(s.city, s.decimals)} %." if s.city is not None else ".")
                      for s in self.shares]
        return " ".join(parts)


def profile_figure(spec: ProfileFigure) -> Figure:
    width, height = spec.width_cm * CM, spec.height_cm * CM
    figure = new_figure((width, height))
    left = 0.0
    if spec.has_map:
        share = MAP_SHARE if spec.shares else 1.0
        _locator(figure, spec, share)
        left = share + 0.02
    if spec.shares:
        _bars(figure, spec, left)
    return figure


def _locator(figure: Figure, spec: ProfileFigure, share: float) -> None:
    shapes, index = spec.shapes, spec.index
    bottom = 0.12 if spec.shares else 0.07
    axes = figure.add_axes((0.01, bottom, share - 0.02, 0.98 - bottom))
    others = [ring for i in shapes.drawn if i != index for ring in shapes.rings[i]]
    if others:  # one path for all other Stadtteile: a locator map is drawn forty times per compile
        axes.add_artist(PathPatch(ring_path(tuple(others)), facecolor="#E3E3E3", edgecolor="white", linewidth=0.4))
    if shapes.rings[index]:
        axes.add_artist(PathPatch(ring_path(shapes.rings[index]), facecolor=PALETTE[-1], edgecolor=PALETTE[-1],
                                  linewidth=0.4, gid=shapes.areas[index]))
    frame_map(axes, shapes, scale=False)
    figure.text(0.01, 0.012, wrap(shapes.attribution, (share - 0.02) * figure.bbox.width, 5.5), fontsize=5.5,
                color=TEXT_COLOUR, ha="left", va="bottom")


def _bars(figure: Figure, spec: ProfileFigure, left: float) -> None:
    """Horizontal bars, labels wrapped to a third of the chart, values at the bar ends, the legend at the top."""
    box = figure.bbox
    label_px = 0.42 * (1 - left) * box.width
    labels = [wrap(s.label, label_px, LABEL_SIZE) for s in spec.shares]
    legend_px = 2.6 * LABEL_SIZE * figure.dpi / 72
    value_px = text_width("100,0", LABEL_SIZE) + 8
    x0 = left + (label_px + 6) / box.width
    x1 = 1 - value_px / box.width
    bottom_px = 6.0
    axes = figure.add_axes((x0, bottom_px / box.height, x1 - x0, 1 - (bottom_px + legend_px) / box.height))
    n = len(spec.shares)
    ys = list(range(n))[::-1]
    values = [s.value for s in spec.shares]
    axes.barh(ys, values, height=0.62, color=PALETTE[-1])
    limit = max([*values, *(s.city for s in spec.shares if s.city is not None), 1.0]) * 1.02
    for y, share in zip(ys, spec.shares, strict=True):
        if share.city is not None:
            axes.plot([share.city, share.city], [y - 0.42, y + 0.42], color="white", linewidth=3.0, solid_capstyle="butt")
            axes.plot([share.city, share.city], [y - 0.42, y + 0.42], color=REFERENCE, linewidth=1.4, solid_capstyle="butt")
        axes.text(max(share.value, share.city or 0) + limit * 0.01, y, format_number(share.value, share.decimals),
                  fontsize=LABEL_SIZE, va="center", ha="left", color=TEXT_COLOUR)
    axes.set_xlim(0, limit)
    axes.set_ylim(-0.6, n - 0.4)
    axes.set_yticks(ys, labels, fontsize=LABEL_SIZE, color=TEXT_COLOUR)
    axes.tick_params(axis="y", length=0, pad=4)
    axes.set_xticks([])
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    handles = [Patch(color=PALETTE[-1]), Line2D([], [], color=REFERENCE, linewidth=1.4)]
    figure.legend(handles, [f"{spec.name} (in %)", "Gesamtstadt"], loc="upper left", ncols=2, frameon=False,
                  fontsize=LABEL_SIZE, bbox_to_anchor=(left, 1.0), borderaxespad=0.2, handlelength=1.4)


def position_words(shapes: Shapes, index: int) -> str:
    """'im Nordosten', 'in der Mitte' …: where a Stadtteil's centre lies in the city's extent."""
    rings = shapes.rings[index]
    if not rings:
        return "außerhalb der Kartengrundlage"
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    x0, y0, x1, y1 = shapes.bounds()
    dx = ((min(xs) + max(xs)) / 2 - (x0 + x1) / 2) / max(x1 - x0, 1e-9)
    dy = ((min(ys) + max(ys)) / 2 - (y0 + y1) / 2) / max(y1 - y0, 1e-9)
    if math.hypot(dx, dy) < 0.12:
        return "in der Mitte"
    directions = ("Osten", "Nordosten", "Norden", "Nordwesten", "Westen", "Südwesten", "Süden", "Südosten")
    return f"im {directions[round(math.degrees(math.atan2(dy, dx)) / 45) % 8]}"
