"""Figures whose text fits: the Agg canvas, text measured by matplotlib's renderer, German line wrapping, a top-to-bottom
layout, and the check that every text lies inside its figure and no two texts overlap.

Titles, sources and legend labels are never cut with "…": they are wrapped at spaces (and after a hyphen or slash
in a long compound) to the width they have, measured with the same Agg renderer that draws them, and the figure grows
by the lines it needs. Spaces that must not break (a number and its unit, "z. B.", "§ 24") are kept together.

The layout is measured without drawing: text extents come from the renderer's font metrics, an axes' decorations
(tick labels, axis label) from the same metrics of the texts the axes will draw (``axes_margins``; measuring
them with ``Axes.get_tightbbox`` cost a third of a line chart's time), a legend's size from its own extent. Locators
have a fixed number of bins, so the ticks do not change when the axes take their final size. The picture is drawn
once, by ``savefig``; text metrics are cached per text and size across the charts of a process.

``Stack`` places the parts of a figure from the top in pixels; once the height is known it sets the figure size and
turns every position into figure fractions. ``text_problems`` is the check the tests run on every chart and map of a
compiled report: it draws the figure and lists each text outside the figure and each pair of overlapping texts.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.text import Text

DPI = 150
CM = 1 / 2.54
PT = DPI / 72  # pixels per point
WIDTH = 16 * CM  # inches: the text width of the report's pages
PAD = 5 * PT  # pixels around the figure's content
SOURCE_SIZE = 6.5
TITLE_SIZE = 9.0
TEXT_COLOUR = "#333333"

# spaces that must not break: "12,3 %", "5 Pp.", "z. B.", "d. h.", "§ 24", "Nr. 3", "Abs. 2"
_KEEP = re.compile(r"(?<=\d) (?=%|Pp\.|‰|€|km|Jahre\b)|(?<=\b[zdu]\.) (?=[BhaäAÄ]\.)|(?<=§) |(?<=\bNr\.) |(?<=\bAbs\.) ")
_BREAK_AFTER = re.compile(r"(?<=[^\W\d_]{3}[-/])(?=[^\W\d_]{3})")  # inside a long word: after '-' or '/'


def new_figure(size: tuple[float, float]) -> Figure:
    figure = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


@lru_cache(maxsize=1)
def measuring_renderer() -> RendererAgg:
    """An Agg renderer of one pixel: it measures text with the fonts and resolution of the drawing."""
    return RendererAgg(1, 1, DPI)


@lru_cache(maxsize=4096)
def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of text in pixels, as Agg draws it."""
    width, _height, _descent = measuring_renderer().get_text_width_height_descent(
        text, FontProperties(size=size, weight=weight), ismath=False)
    return width


def wrap(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` with line breaks so that no line is wider than ``width`` pixels; German-aware, never shortened.

    Breaks at spaces, except the protected ones (number and unit, abbreviations); a word wider than a line breaks
    after a hyphen or slash inside it, and only a word with neither is split where it must (with a hyphen). Lines
    are filled by the measured widths of their words (each measured once, and cached: words recur from chart to
    chart), then each line is measured whole; should kerning make one too wide, the paragraph is filled again by
    measuring every candidate line.
    """
    lines: list[str] = []
    for paragraph in _KEEP.sub("\u00a0", text).split("\n"):
        pieces = [(piece, n == 0) for word in paragraph.split(" ") for n, piece in
                  enumerate(_pieces(word, width, size, weight))]
        filled = _fill(pieces, width, size, weight, exact=False)
        if any(text_width(line, size, weight) > width for line in filled if " " in line):
            filled = _fill(pieces, width, size, weight, exact=True)
        lines.extend(filled)
    return "\n".join(lines).replace("\u00a0", " ")


def _fill(pieces: list[tuple[str, bool]], width: float, size: float, weight: str, *, exact: bool) -> list[str]:
    """Greedy line filling; ``exact`` measures each candidate line, else adds up word and space widths."""
    space = text_width("a a", size, weight) - text_width("aa", size, weight)
    lines: list[str] = []
    line, used = "", 0.0
    for piece, spaced in pieces:
        gap = space if line and spaced else 0.0
        candidate = f"{line} {piece}" if line and spaced else line + piece
        needed = text_width(candidate, size, weight) if exact else used + gap + text_width(piece, size, weight)
        if not line or needed <= width:
            line, used = candidate, needed if line else text_width(piece, size, weight)
        else:
            lines.append(line)
            line, used = piece, text_width(piece, size, weight)
    lines.append(line)
    return lines


def _pieces(word: str, width: float, size: float, weight: str) -> list[str]:
    """A word as it may be broken: whole if it fits, else after inner hyphens or slashes, else hard with '-'."""
    if text_width(word, size, weight) <= width:
        return [word]
    pieces = [p for p in _BREAK_AFTER.split(word) if p]
    if len(pieces) > 1:
        return [q for p in pieces for q in _pieces(p, width, size, weight)]
    cut = len(word) - 1
    while cut > 1 and text_width(word[:cut] + "-", size, weight) > width:
        cut -= 1
    return [word[:cut] + "-", *_pieces(word[cut:], width, size, weight)]


@dataclass(frozen=True)
class Margins:
    """How far an axes' decorations (tick labels, axis labels, texts above it) reach beyond it, in pixels."""

    left: float
    right: float
    bottom: float
    top: float


@lru_cache(maxsize=64)
def line_height(size: float) -> float:
    """Height in pixels of one line of text, as a Text of that size measures it."""
    _width, height, _descent = measuring_renderer().get_text_width_height_descent(
        "lp", FontProperties(size=size), ismath=False)
    return height


def tick_texts(axis) -> list[str]:
    """The tick labels an axis will draw: its locator's ticks inside the view, formatted."""
    low, high = sorted(axis.get_view_interval())
    tolerance = (high - low) * 1e-6
    ticks = [v for v in axis.get_major_locator()() if low - tolerance <= v <= high + tolerance]
    return [text for text in axis.get_major_formatter().format_ticks(ticks) if text]


def axes_margins(axes: Axes, *, y_size: float, x_size: float, label_size: float, x_labels: bool = True,
                 top: float = 0.0) -> Margins:
    """The room an axes' tick labels and axis labels take, from the renderer's text metrics (no layout pass).

    Mirrors matplotlib's placement: tick (length and pad) then tick labels, then the axis label after its pad; the
    first and last tick labels may reach half their size past the axes' ends. ``top``: room for texts above the
    axes (a break marker). The locators must have a fixed number of bins, so the ticks do not depend on the size.
    """
    tick = (rcParams["ytick.major.size"] + rcParams["ytick.major.pad"]) * PT
    pad = rcParams["axes.labelpad"] * PT
    ys = tick_texts(axes.yaxis)
    xs = tick_texts(axes.xaxis) if x_labels else []
    left = tick + max((text_width(t, y_size) for t in ys), default=0.0)
    left += pad + line_height(label_size) if axes.get_ylabel() else 0.0
    bottom = tick + line_height(x_size) if xs else (rcParams["xtick.major.size"] * PT)
    bottom += pad + line_height(label_size) if axes.get_xlabel() else 0.0
    right = text_width(xs[-1], x_size) / 2 if xs else 0.0
    return Margins(left, right, bottom, max(top, line_height(y_size) / 2 if ys else 0.0))


def extent(artist: Text | Legend) -> tuple[float, float]:
    """(width, height) in pixels of a text or legend."""
    box = artist.get_window_extent(measuring_renderer())
    return box.width, box.height


class Stack:
    """Parts of a figure placed from the top, in pixels; ``finish`` sets the height and the positions."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.width = figure.get_figwidth() * DPI
        self.y = PAD  # the next free pixel row, from the top
        self._places: list[Callable[[float], None]] = []

    def text(self, text: str, size: float, *, x: float = PAD, width: float | None = None, gap: float = 3 * PT,
             **style) -> Text:
        """A wrapped text with its top at the current row (or at ``top``), left at ``x``; the row moves below it."""
        artist = self.text_at(text, size, x=x, top=self.y, width=width, **style)
        self.y += extent(artist)[1] + gap
        return artist

    def text_at(self, text: str, size: float, *, x: float, top: float, width: float | None = None, **style) -> Text:
        """A wrapped text with its top-left corner at (x, top) pixels; the row does not move."""
        room = (self.width - x - PAD) if width is None else width
        artist = self.figure.text(0, 0, wrap(text, room, size, style.get("fontweight", "normal")), fontsize=size,
                                  ha="left", va="top", **style)
        self.place(lambda height: artist.set_position((x / self.width, 1 - top / height)))
        return artist

    def axes(self, axes: Axes, left: float, top: float, width: float, height: float) -> None:
        """Put the axes' box (without its decorations) at these pixels."""
        self.place(lambda total: axes.set_position((left / self.width, 1 - (top + height) / total,
                                                    width / self.width, height / total)))

    def legend(self, legend: Legend, left: float, top: float) -> None:
        """Put a legend (loc 'upper left', borderaxespad 0) with its top-left corner at these pixels."""
        self.place(lambda total: legend.set_bbox_to_anchor((left / self.width, 1 - top / total),
                                                           transform=self.figure.transFigure))

    def place(self, setter: Callable[[float], None]) -> None:
        self._places.append(setter)

    def finish(self, bottom_pad: float = PAD) -> Figure:
        height = self.y + bottom_pad
        self.figure.set_size_inches(self.width / DPI, height / DPI)
        for setter in self._places:
            setter(height)
        return self.figure


def source_lines(stack: Stack, *lines: str) -> list[Text]:
    """The source (and attribution) lines at the foot of a figure, wrapped to its width."""
    return [stack.text(line, SOURCE_SIZE, color=TEXT_COLOUR, gap=1.5 * PT) for line in lines if line]


def fitted_legend(figure: Figure, handles: list, labels: list[str], width: float, size: float, *,
                  most_columns: int = 3, **style) -> tuple[Legend, float]:
    """A figure legend no wider than ``width`` pixels, and its height: as many columns as fit (at most
    ``most_columns``), labels wrapped where even one column is too wide. Each try is measured once."""
    for columns in range(min(most_columns, max(1, len(labels))), 0, -1):
        legend = figure.legend(handles, labels, loc="upper left", ncols=columns, fontsize=size, frameon=False,
                               borderaxespad=0, borderpad=0, **style)
        legend_width, height = extent(legend)
        if legend_width <= width:
            return legend, height
        legend.remove()
    room = width - (legend.handlelength + legend.handletextpad + 1) * size * PT
    legend = figure.legend(handles, [wrap(label, room, size) for label in labels], loc="upper left", ncols=1,
                           fontsize=size, frameon=False, borderaxespad=0, borderpad=0, **style)
    return legend, extent(legend)[1]


# ---- the check --------------------------------------------------------------------------------------------


def drawn_texts(figure: Figure) -> list[tuple[str, object]]:
    """(text, window extent) of every text the figure draws: visible, not empty, tick labels only inside the view."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    hidden: set[int] = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            tolerance = (high - low) * 1e-6
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not axes.axison or not low - tolerance <= tick.get_loc() <= high + tolerance:
                    hidden.update({id(tick.label1), id(tick.label2)})
    found = []
    for text in figure.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        found.append((text.get_text(), text.get_window_extent(renderer)))
    return found


def text_problems(figure: Figure, tolerance: float = 0.5) -> list[str]:
    """German lines naming each text outside the figure and each pair of overlapping texts (after one draw)."""
    box = figure.bbox
    texts = drawn_texts(figure)
    problems = [f"„{text}“ ragt aus der Grafik" for text, e in texts
                if e.x0 < box.x0 - tolerance or e.y0 < box.y0 - tolerance or e.x1 > box.x1 + tolerance
                or e.y1 > box.y1 + tolerance]
    for (a, ea), (b, eb) in itertools.combinations(texts, 2):
        if (min(ea.x1, eb.x1) - max(ea.x0, eb.x0) > tolerance
                and min(ea.y1, eb.y1) - max(ea.y0, eb.y0) > tolerance):
            problems.append(f"„{a}“ überdeckt „{b}“")
    return problems
