"""Charts for the report: matplotlib object API on the Agg canvas (no pyplot), PNG bytes, German alt text.

- Time series by group: colour-blind-safe palette (Okabe-Ito) plus a distinct marker and line style
  per group, so the lines stay apart in grey print; German number format on the axis; unit label;
  source line; a visible marker at a series break (and the line is not drawn across it); the
  Zielwert as a labelled reference line.
- Ranked horizontal bars per Stadtteil with the city value as a reference line; suppressed
  Stadtteile are listed with their symbol, never drawn as 0.

A chart is described by a small picklable spec, so many charts can be rendered in a process pool.
The alt text is generated from the same spec (values, years, gap, direction). A spec that draws itself (the
maps of report/maps.py: ``png()`` and ``alt_text()``) renders in the same pool.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from toolkit.core.cells import count_of, format_number, format_value, year_span
from toolkit.core.progress import SILENT, Progress
from toolkit.core.runtime import process_pool, workers_for

DPI = 150
CM = 1 / 2.54
LINE_SIZE = (16 * CM, 8.5 * CM)
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#7F7F7F",
           "#882255")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), "-", "--")


@dataclass(frozen=True)
class Line:
    label: str
    years: tuple[int, ...]
    values: tuple[float, ...]  # NaN where suppressed or missing


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


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str
    source: str
    labels: tuple[str, ...]
    values: tuple[float, ...]  # NaN where suppressed or missing
    symbols: tuple[str, ...]  # '' for a shown value, else the symbol ('.', '…')
    city_value: float | None = None
    year: int = 0
    decimals: int = 1
    message: str = ""
    reference_label: str = "Gesamtstadt"


class Drawing(Protocol):
    """A picture that draws itself (the maps of report/maps.py): PNG bytes and the alt text stating its message."""

    def png(self) -> bytes: ...

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


# ---- rendering ------------------------------------------------------------------------------------------


def new_figure(size: tuple[float, float]) -> Figure:
    figure = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _source(figure: Figure, text: str) -> None:
    figure.text(0.01, 0.012, shorten(f"Quelle: {text}", 120), fontsize=6.5, color="#333333", ha="left", va="bottom")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_line(spec: LineChart) -> bytes:
    return png_bytes(line_figure(spec))


def line_figure(spec: LineChart) -> Figure:
    figure = new_figure(LINE_SIZE)
    entries = len(spec.lines) + (spec.zielwert is not None)
    longest = max((len(line.label) for line in spec.lines), default=0)
    columns = 3 if longest <= 30 else 2
    rows = math.ceil(entries / columns)
    bottom = 0.16 + 0.06 * rows
    figure.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=bottom)
    axes = figure.add_subplot()
    break_years = [year for year, _ in spec.breaks]
    for n, line in enumerate(spec.lines):
        xs, ys = _split_at_breaks(line.years, line.values, break_years)
        axes.plot(xs, ys, color=COLOURS[n % len(COLOURS)], marker=MARKERS[n % len(MARKERS)],
                  linestyle=LINESTYLES[n % len(LINESTYLES)], linewidth=1.6, markersize=4.5,
                  label=shorten(line.label, 48))
    for year in break_years:
        axes.axvline(year - 0.5, color="#444444", linewidth=1.0, linestyle=(0, (2, 2)))
        axes.annotate("Zeitreihenbruch", (year - 0.5, 1.0), xycoords=("data", "axes fraction"), fontsize=6.5,
                      ha="center", va="bottom", color="#444444")
    if spec.zielwert is not None:
        axes.axhline(spec.zielwert, color="#222222", linewidth=1.1, linestyle=(0, (6, 2, 1, 2)),
                     label=f"Zielwert {_fmt(spec.zielwert, spec.unit, spec.decimals)}")
    axes.set_title(shorten(spec.title, 90), fontsize=9, loc="left", y=1.06)  # fixed y: no costly auto-position
    axes.set_ylabel(spec.unit if spec.unit != "Anzahl" else "Anzahl", fontsize=8)
    axes.yaxis.set_major_formatter(_axis_formatter(spec.decimals))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(v))))
    axes.tick_params(labelsize=7.5)
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    if spec.unit == "%" or all(v >= 0 for line in spec.lines for v in line.values if not math.isnan(v)):
        axes.set_ylim(bottom=0)
    if spec.lines:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=columns, fontsize=7, frameon=False)
    _source(figure, spec.source)
    return figure


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


def render_bars(spec: BarChart) -> bytes:
    return png_bytes(bar_figure(spec))


def bar_figure(spec: BarChart) -> Figure:
    n = len(spec.labels)
    figure = new_figure((16 * CM, max(6.0, 0.42 * n + 2.6) * CM))
    height = figure.get_figheight()
    figure.subplots_adjust(left=0.25, right=0.95, top=1 - 0.55 / height, bottom=0.5 / height)
    axes = figure.add_subplot()
    order = ranked(spec)
    positions = list(range(len(order)))[::-1]
    shown = [(pos, i) for pos, i in zip(positions, order, strict=True) if not math.isnan(spec.values[i])]
    axes.barh([p for p, _ in shown], [spec.values[i] for _, i in shown], color="#0072B2", height=0.7)
    for pos, i in zip(positions, order, strict=True):
        if math.isnan(spec.values[i]):
            meaning = "keine Angabe" if spec.symbols[i] in ("", "…") else "gesperrt"
            axes.text(0, pos, f" {spec.symbols[i] or '…'} ({meaning})", va="center", fontsize=6.5, color="#333333")
    axes.set_yticks(positions, [spec.labels[i] for i in order], fontsize=6.5)
    if spec.city_value is not None and not math.isnan(spec.city_value):
        axes.axvline(spec.city_value, color="#D55E00", linewidth=1.4, linestyle="--",
                     label=f"{spec.reference_label}: {_fmt(spec.city_value, spec.unit, spec.decimals)}")
        axes.legend(loc="lower right", fontsize=7, frameon=True)
    axes.xaxis.set_major_formatter(_axis_formatter(spec.decimals))
    axes.set_xlabel(spec.unit, fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    axes.set_ylim(-0.7, len(order) - 0.3)
    axes.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(shorten(spec.title, 90), fontsize=9, loc="left", y=1.0, pad=6)
    _source(figure, spec.source)
    return figure


def ranked(spec: BarChart) -> list[int]:
    """Indexes by value, largest first; suppressed or missing Stadtteile last (in catalogue order)."""
    shown = [i for i, v in enumerate(spec.values) if not math.isnan(v)]
    hidden = [i for i, v in enumerate(spec.values) if math.isnan(v)]
    return sorted(shown, key=lambda i: -spec.values[i]) + hidden


def render(spec: Spec) -> Rendered:
    if isinstance(spec, LineChart):
        return Rendered(render_line(spec), alt_text(spec))
    if isinstance(spec, BarChart):
        return Rendered(render_bars(spec), alt_text(spec))
    return Rendered(spec.png(), spec.alt_text())


def render_all(specs: Sequence[Spec], processes: int = 0,
               progress: Progress | None = None) -> list[Rendered]:
    """Render every chart; with enough charts, in a process pool (core/runtime.workers_for).

    ``processes``: the setting ``prozesse`` (0 automatic, 1 never a pool, n at most n).
    """
    progress = progress or SILENT
    label = "Grafiken zeichnen"
    workers = workers_for("charts", len(specs), len(specs), processes)
    if workers <= 1:
        return [render(spec) for spec in progress.track(specs, label)]
    chunk = max(1, len(specs) // (workers * 4))
    with process_pool(workers) as pool:
        results = pool.imap(render, specs, chunksize=chunk)
        return [next(results) for _ in progress.track(range(len(specs)), label)]


# ---- alt text --------------------------------------------------------------------------------------------


def alt_text(spec: LineChart | BarChart) -> str:
    """A German description that states the chart's message, from the same numbers the chart shows."""
    if isinstance(spec, BarChart):
        return _bar_alt(spec)
    parts = [f"Liniendiagramm: {spec.title}."]
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
