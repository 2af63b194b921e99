"""Charts for the report: matplotlib object API on the Agg canvas (no pyplot), PNG bytes, German alt text.

- Time series by group: each group in its own style (report/group_styles.py: colour, marker and dash belong to the
  group, not to the position of the line), German number format on the axis, unit label, source line, a visible
  marker at a series break (and the line is not drawn across it), the Zielwert as a labelled reference line.
- Series of very different size are not squeezed onto one axis: counts whose largest values differ by more than
  PANEL_RATIO are drawn as small multiples, panels stacked over a shared year axis, each with its own scale from
  zero (``scale_panels``). That is how statistics offices print population by group: the total in one panel, the
  large groups in the next, the small ones in a third, each readable in its level and trend. An index (base year =
  100) was not chosen: it hides the levels the table beside the chart gives, and a group that starts small (the
  Ukrainian nationals of 2020) would flatten every other line in turn. Rates stay on one axis, since the gap between
  the groups is what the reader compares.
- Ranked horizontal bars per Stadtteil in the group's colour with the city value as a reference line; suppressed
  Stadtteile are listed with their symbol and its meaning as the Zeichenerklärung words it, never drawn as 0.
- Every text is measured with the renderer and wrapped, and the figure grows to hold it (report/chart_layout.py).

A chart is described by a small picklable spec, so many charts can be rendered in a process pool, and the website
can draw the same spec as SVG. The alt text is generated from the same spec (values, years, gap, direction). A spec
that draws itself (the maps of report/maps.py: ``figure()`` and ``alt_text()``) renders in the same pool.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from toolkit.core.cells import count_of, format_number, format_value, year_span
from toolkit.core.progress import Progress
from toolkit.core.runtime import map_in_pool
from toolkit.indicators.confidentiality import symbol_label
from toolkit.report.chart_layout import (
    CM,
    PAD,
    PT,
    TEXT_COLOUR,
    TITLE_SIZE,
    WIDTH,
    Stack,
    axes_margins,
    fitted_legend,
    line_height,
    new_figure,
    png_bytes,
    source_lines,
)
from toolkit.report.group_styles import GROUP_STYLES, REFERENCE, SeriesStyle
from toolkit.report.picture_cache import PictureCache, drawing_label

PANEL_RATIO = 4.0  # a panel's smallest series reaches at least a quarter of its largest
MOST_PANELS = 3
PANEL_HEIGHT = 3.3 * CM  # inches, one of several panels
SINGLE_HEIGHT = 5.0 * CM  # inches, the axes of a chart with one panel
BAR_ROW = 0.42 * CM  # inches per Stadtteil
LABEL_SIZE = 7.5
LEGEND_SIZE = 7.0


@dataclass(frozen=True)
class Line:
    label: str
    years: tuple[int, ...]
    values: tuple[float, ...]  # NaN where suppressed or missing
    style: SeriesStyle  # the group's style (group_styles.group_styles)


@dataclass(frozen=True)
class LineChart:
    title: str
    unit: str
    source: str
    lines: tuple[Line, ...]
    breaks: tuple[tuple[int, str], ...] = ()  # (first year of the new concept, note)
    zielwert: float | None = None
    message: str = ""  # the sentence stating gap and direction, for the alt text
    decimals: int = 1
    panels: tuple[tuple[int, ...], ...] = ()  # indexes of ``lines`` per panel (scale_panels); () one panel


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str
    source: str
    labels: tuple[str, ...]
    values: tuple[float, ...]  # NaN where suppressed or missing
    symbols: tuple[str, ...]  # '' for a shown value, else the table's symbol ('.', 'x', '…', '–')
    city_value: float | None = None
    year: int = 0
    decimals: int = 1
    message: str = ""
    reference_label: str = "Gesamtstadt"
    style: SeriesStyle = GROUP_STYLES["insgesamt"]  # the group shown: its colour fills the bars


class Drawing(Protocol):
    """A picture that draws itself (the maps of report/maps.py): its figure and the alt text stating its message."""

    def figure(self) -> Figure: ...

    def alt_text(self) -> str: ...


Spec = LineChart | BarChart | Drawing


@dataclass
class Rendered:
    png: bytes
    alt: str
    width_cm: float = field(default=16.0)


# ---- number formatting --------------------------------------------------------------------------------


def _fmt(value: float, unit: str, decimals: int) -> str:
    return format_value(value, unit, decimals)


def _axis_formatter(decimals: int) -> FuncFormatter:
    def fmt(value: float, _pos: int) -> str:
        if abs(value - round(value)) < 1e-9:
            return format_number(round(value), 0)
        return format_number(value, decimals)
    return FuncFormatter(fmt)


# ---- line charts ----------------------------------------------------------------------------------------


def scale_panels(lines: Sequence[Line], unit: str) -> tuple[tuple[int, ...], ...]:
    """Panels for counts of very different size: series sorted by their largest absolute value; a new panel starts
    where a series stays below 1/PANEL_RATIO of the panel's largest, at most MOST_PANELS. Within a panel the lines
    keep the catalogue's order. Rates, and counts of similar size, get one panel: ()."""
    if unit != "Anzahl":
        return ()
    peaks = {n: max((abs(v) for v in line.values if not math.isnan(v)), default=math.nan)
             for n, line in enumerate(lines)}
    ordered = sorted((n for n in peaks if not math.isnan(peaks[n])), key=lambda n: -peaks[n])
    panels: list[list[int]] = []
    for n in ordered:
        if not panels or (len(panels) < MOST_PANELS and peaks[n] * PANEL_RATIO < peaks[panels[-1][0]]):
            panels.append([n])
        else:
            panels[-1].append(n)
    empty = [n for n in peaks if math.isnan(peaks[n])]
    if panels and empty:
        panels[-1].extend(empty)
    return () if len(panels) <= 1 else tuple(tuple(sorted(panel)) for panel in panels)


def render_line(spec: LineChart) -> bytes:
    return png_bytes(line_figure(spec))


def line_figure(spec: LineChart) -> Figure:
    """Title, the panels (each with its legend: below a single panel, to the right of stacked ones), the source."""
    figure = new_figure((WIDTH, 8.5 * CM))
    stack = Stack(figure)
    stack.text(spec.title, TITLE_SIZE, gap=5 * PT)
    panels = spec.panels or (tuple(range(len(spec.lines))),)
    several = len(panels) > 1
    break_years = [year for year, _ in spec.breaks]
    axes_list = []
    for k, members in enumerate(panels):
        axes = figure.add_axes((0.1, 0.1, 0.8, 0.8))
        handles = [_draw_line(axes, spec.lines[n], break_years) for n in members]
        if spec.zielwert is not None and k == 0:
            handles.append(axes.axhline(spec.zielwert, color=REFERENCE, linewidth=1.1, linestyle=(0, (6, 2, 1, 2)),
                                        label=f"Zielwert {_fmt(spec.zielwert, spec.unit, spec.decimals)}"))
        _style_line_axes(axes, spec, [spec.lines[n] for n in members], break_years, top=k == 0,
                         bottom=k == len(panels) - 1)
        axes_list.append((axes, handles))
    margins = [axes_margins(axes, y_size=LABEL_SIZE, x_size=LABEL_SIZE, label_size=8, x_labels=k == len(panels) - 1,
                            top=(2 * PT + line_height(6.5)) if break_years and k == 0 else 0.0)
               for k, (axes, _) in enumerate(axes_list)]
    left = PAD + max(m.left for m in margins)
    legend_width = 0.31 * stack.width if several else stack.width - 2 * PAD
    right = stack.width - PAD - max(m.right for m in margins) - (legend_width + 4 * PT if several else 0)
    for (axes, handles), m in zip(axes_list, margins, strict=True):
        legend, legend_height = fitted_legend(figure, handles, [h.get_label() for h in handles], legend_width,
                                              LEGEND_SIZE, most_columns=1 if several else 3, handlelength=2.8)
        height = (PANEL_HEIGHT if several else SINGLE_HEIGHT) * stack.width / WIDTH
        height = max(height, legend_height) if several else height
        stack.axes(axes, left, stack.y + m.top, right - left, height)
        axes.yaxis.set_label_coords(-(left - PAD - line_height(8)) / (right - left), 0.5)  # all at the left edge
        if several:
            stack.legend(legend, stack.width - PAD - legend_width, stack.y + m.top)
            stack.y += m.top + height + m.bottom + 2 * PT
        else:
            stack.y += m.top + height + m.bottom + 3 * PT
            stack.legend(legend, PAD, stack.y)
            stack.y += legend_height + 3 * PT
    source_lines(stack, f"Quelle: {spec.source}")
    return stack.finish()


def _draw_line(axes, line: Line, break_years: Sequence[int]) -> Line2D:
    xs, ys = _split_at_breaks(line.years, line.values, break_years)
    style = line.style
    return axes.plot(xs, ys, color=style.colour, marker=style.marker, linestyle=style.linestyle, linewidth=1.6,
                     markersize=4.5, label=line.label)[0]


def _style_line_axes(axes, spec: LineChart, lines: Sequence[Line], break_years: Sequence[int], *, top: bool,
                     bottom: bool) -> None:
    years = [y for line in spec.lines for y in line.years]
    if years:
        axes.set_xlim(min(years) - 0.4, max(years) + 0.4)
    for year in break_years:
        axes.axvline(year - 0.5, color="#444444", linewidth=1.0, linestyle=(0, (2, 2)))
        if top:
            axes.annotate("Zeitreihenbruch", (year - 0.5, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                          textcoords="offset points", fontsize=6.5, ha="center", va="bottom", color="#444444")
    axes.set_ylabel(spec.unit, fontsize=8)
    axes.yaxis.set_major_formatter(_axis_formatter(spec.decimals))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(v))))
    axes.tick_params(labelsize=LABEL_SIZE, labelbottom=bottom)
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    if spec.unit == "%" or all(v >= 0 for line in lines for v in line.values if not math.isnan(v)):
        axes.set_ylim(bottom=0)


def _split_at_breaks(years: Sequence[int], values: Sequence[float], breaks: Sequence[int]):
    """Insert a gap (NaN) before every break year so the line is not drawn across it."""
    xs: list[float] = []
    ys: list[float] = []
    for year, value in zip(years, values, strict=True):
        if year in breaks and xs:
            xs.append(year - 0.5)
            ys.append(math.nan)
        xs.append(year)
        ys.append(value)
    return xs, ys


# ---- Stadtteil bars -------------------------------------------------------------------------------------


def render_bars(spec: BarChart) -> bytes:
    return png_bytes(bar_figure(spec))


def bar_figure(spec: BarChart) -> Figure:
    """Title, the reference line's legend, the ranked bars (hidden Stadtteile with symbol and meaning), the source."""
    figure = new_figure((WIDTH, 12 * CM))
    stack = Stack(figure)
    stack.text(spec.title, TITLE_SIZE, gap=4 * PT)
    axes = figure.add_axes((0.3, 0.1, 0.6, 0.8))
    order = ranked(spec)
    positions = list(range(len(order)))[::-1]
    shown = [(pos, i) for pos, i in zip(positions, order, strict=True) if not math.isnan(spec.values[i])]
    axes.barh([p for p, _ in shown], [spec.values[i] for _, i in shown], color=spec.style.colour, height=0.7)
    for pos, i in zip(positions, order, strict=True):
        if math.isnan(spec.values[i]):
            axes.text(0, pos, f" {symbol_label(spec.symbols[i])}", va="center", fontsize=6.5, color=TEXT_COLOUR)
    axes.set_yticks(positions, [spec.labels[i] for i in order], fontsize=6.5)
    legend, legend_height = None, 0.0
    if spec.city_value is not None and not math.isnan(spec.city_value):
        label = f"{spec.reference_label}: {_fmt(spec.city_value, spec.unit, spec.decimals)}"
        axes.axvline(spec.city_value, color="white", linewidth=3.0)  # a halo: the dashes stay visible on any bar
        line = axes.axvline(spec.city_value, color=REFERENCE, linewidth=1.3, linestyle=(0, (4, 2)), label=label)
        legend, legend_height = fitted_legend(figure, [line], [label], stack.width - 2 * PAD, LEGEND_SIZE,
                                              handlelength=2.8)
    axes.xaxis.set_major_formatter(_axis_formatter(spec.decimals))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    axes.set_xlabel(spec.unit, fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    axes.set_ylim(-0.7, len(order) - 0.3)
    axes.set_xlim(left=0)
    axes.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    if legend is not None:
        stack.legend(legend, PAD, stack.y)
        stack.y += legend_height + 3 * PT
    m = axes_margins(axes, y_size=6.5, x_size=7, label_size=8)
    height = max(len(order), 1) * BAR_ROW * stack.width / WIDTH
    left = PAD + m.left
    stack.axes(axes, left, stack.y + m.top, stack.width - PAD - m.right - left, height)
    stack.y += m.top + height + m.bottom + 3 * PT
    source_lines(stack, f"Quelle: {spec.source}")
    return stack.finish()


def ranked(spec: BarChart) -> list[int]:
    """Indexes by value, largest first; suppressed or missing Stadtteile last (in catalogue order)."""
    shown = [i for i, v in enumerate(spec.values) if not math.isnan(v)]
    hidden = [i for i, v in enumerate(spec.values) if math.isnan(v)]
    return sorted(shown, key=lambda i: -spec.values[i]) + hidden


# ---- rendering ------------------------------------------------------------------------------------------


def figure_of(spec: Spec) -> Figure:
    if isinstance(spec, LineChart):
        return line_figure(spec)
    if isinstance(spec, BarChart):
        return bar_figure(spec)
    return spec.figure()


def alt_of(spec: Spec) -> str:
    """The German alt text of any picture: a chart's from alt_text, a self-drawing one's (a map) from itself."""
    return alt_text(spec) if isinstance(spec, LineChart | BarChart) else spec.alt_text()


def render(spec: Spec) -> Rendered:
    return Rendered(png_bytes(figure_of(spec)), alt_of(spec))


def render_all(specs: Sequence[Spec], processes: int = 0, progress: Progress | None = None,
               cache: PictureCache | None = None) -> list[Rendered]:
    """Render every chart; with enough charts, in a process pool (core/runtime.workers_for).

    ``processes``: the setting ``prozesse`` (0 automatic, 1 never a pool, n at most n). ``cache``: the pictures
    kept in the working folder (report/picture_cache.py); only those not kept are drawn, each distinct spec once.
    """
    cache = cache or PictureCache(None)
    keys = [cache.key(spec, "png") for spec in specs]
    kept = {key: png for key in set(keys) if key is not None and (png := cache.get(key)) is not None}
    todo: dict[str, int] = {}  # each spec to draw once; those without a key each time
    missing = [n for n, key in enumerate(keys) if key not in kept and (key is None or todo.setdefault(key, n) == n)]
    drawn = map_in_pool(render, [specs[n] for n in missing], "charts", processes=processes, progress=progress,
                        label=drawing_label("Grafiken zeichnen", len(missing), len(specs)))
    pictures: dict[int, Rendered] = dict(zip(missing, drawn, strict=True))
    for n, picture in pictures.items():
        cache.put(keys[n], picture.png)
        if keys[n] is not None:
            kept[keys[n]] = picture.png
    cache.prune()
    return [pictures[n] if n in pictures else Rendered(kept[key], alt_of(spec))
            for n, (spec, key) in enumerate(zip(specs, keys, strict=True))]


# ---- alt text --------------------------------------------------------------------------------------------


def alt_text(spec: LineChart | BarChart) -> str:
    """A German description that states the chart's message, from the same numbers the chart shows."""
    if isinstance(spec, BarChart):
        return _bar_alt(spec)
    parts = [f"Liniendiagramm: {spec.title}."]
    if spec.panels:
        parts.append(f"In {len(spec.panels)} Feldern mit eigener Skala, damit kleine Gruppen lesbar bleiben.")
    years = sorted({y for line in spec.lines for y, v in zip(line.years, line.values, strict=True) if not math.isnan(v)})
    if years:
        parts.append(f"Zeitraum {year_span(years, ' bis ')}." if len(years) > 1 else f"Jahr {years[0]}.")
    for line in spec.lines:
        points = [(y, v) for y, v in zip(line.years, line.values, strict=True) if not math.isnan(v)]
        if not points:
            parts.append(f"{line.label}: keine veröffentlichten Werte.")
            continue
        (y0, v0), (y1, v1) = points[0], points[-1]
        if y0 == y1:
            parts.append(f"{line.label}: {y1} {_fmt(v1, spec.unit, spec.decimals)}.")
        else:
            parts.append(f"{line.label}: {y0} {_fmt(v0, spec.unit, spec.decimals)}, "
                         f"{y1} {_fmt(v1, spec.unit, spec.decimals)}.")
    if spec.message:
        parts.append(spec.message)
    for year, note in spec.breaks:
        parts.append(f"Zeitreihenbruch ab {year}: {note}")
    if spec.zielwert is not None:
        parts.append(f"Zielwert: {_fmt(spec.zielwert, spec.unit, spec.decimals)}.")
    return " ".join(parts)


def _bar_alt(spec: BarChart) -> str:
    order = [i for i in ranked(spec) if not math.isnan(spec.values[i])]
    hidden = len(spec.values) - len(order)
    parts = [f"Balkendiagramm: {spec.title}, {spec.year}, Stadtteile nach Wert geordnet."]
    if order:
        top, low = order[0], order[-1]
        parts.append(f"Höchster Wert: {spec.labels[top]} mit {_fmt(spec.values[top], spec.unit, spec.decimals)}; "
                     f"niedrigster Wert: {spec.labels[low]} mit {_fmt(spec.values[low], spec.unit, spec.decimals)}.")
    if spec.city_value is not None and not math.isnan(spec.city_value):
        above = sum(1 for i in order if spec.values[i] > spec.city_value)
        parts.append(f"{spec.reference_label}: {_fmt(spec.city_value, spec.unit, spec.decimals)}; "
                     f"{above} von {count_of(len(order), 'Stadtteil', 'Stadtteilen')} "
                     f"{'liegt' if above == 1 else 'liegen'} darüber.")
    if hidden:
        parts.append(f"{count_of(hidden, 'Stadtteil')} ohne veröffentlichten Wert (Geheimhaltung oder fehlende Angabe).")
    if spec.message:
        parts.append(spec.message)
    return " ".join(parts)
