"""The cover's picture: the city's Stadtteile, a decorative map without data (title page of the report).

Drawn with the report's other pictures (charts.render_all) from the same Stadtteil shapes and path helpers as the
maps (report/maps.py): every Stadtteil in alternating light tints of the report's blue, white borders, the OSM
attribution under it. It shows no values, so its alt text says what it shows and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import PathPatch

from toolkit.report.chart_layout import CM, new_figure, wrap
from toolkit.report.geometry import Shapes
from toolkit.report.map_classes import PALETTE
from toolkit.report.maps import frame_map, ring_path

TINTS = (PALETTE[1], PALETTE[2], PALETTE[3])  # three tints, so neighbouring Stadtteile mostly differ


@dataclass(frozen=True)
class CoverMap:
    """All Stadtteile of ``shapes``, for the title page."""

    shapes: Shapes
    city: str

    def figure(self) -> Figure:
        figure = new_figure((15 * CM, 15 * CM))
        axes = figure.add_axes((0.0, 0.05, 1.0, 0.95))
        for n, index in enumerate(self.shapes.drawn):
            axes.add_artist(PathPatch(ring_path(self.shapes.rings[index]), facecolor=TINTS[n % len(TINTS)],
                                      edgecolor="white", linewidth=0.8, gid=self.shapes.areas[index]))
        frame_map(axes, self.shapes, scale=False)
        figure.text(0.0, 0.005, wrap(self.shapes.attribution, figure.bbox.width, 6.5), fontsize=6.5,
                    color="#333333", ha="left", va="bottom")
        return figure

    def alt_text(self) -> str:
        return (f"Titelbild: Karte der {len(self.shapes.drawn)} Stadtteile ({self.city}), ohne Werte: nur die "
                "Gliederung des Stadtgebiets.")
