"""Charts: distinguishable lines, German axis numbers, breaks, suppressed Stadtteile, alt text from the numbers."""

from __future__ import annotations

import math

from toolkit.report.charts import (
    BarChart,
    Line,
    LineChart,
    _axis_formatter,
    _split_at_breaks,
    alt_text,
    bar_figure,
    line_figure,
    ranked,
    render,
    render_all,
)

YEARS = tuple(range(2015, 2025))
NAN = math.nan


def line_spec(n_lines: int = 3, **extra) -> LineChart:
    lines = tuple(Line(f"Gruppe {i}", YEARS, tuple(10.0 + i + 0.5 * j for j in range(10))) for i in range(n_lines))
    return LineChart("Quote X nach Gruppen", "%", "Amt für Statistik", lines, **extra)


def bar_spec() -> BarChart:
    return BarChart("Anteil nach Stadtteilen", "%", "Melderegister", ("Altstadt", "Buckau", "Cracau", "Diesdorf"),
                    (12.5, NAN, 30.25, 8.0), ("", ".", "", ""), city_value=14.0, year=2024)


def test_every_line_has_its_own_marker_and_line_style_for_grey_print():
    figure = line_figure(line_spec(10))
    lines = [line for line in figure.axes[0].get_lines() if line.get_label().startswith("Gruppe")]
    assert len(lines) == 10
    assert len({line.get_marker() for line in lines}) == 10
    assert len({line.get_linestyle() for line in lines}) >= 4
    assert len({line.get_color() for line in lines}) == 10


def test_axis_uses_german_number_format():
    fmt = _axis_formatter(1)
    assert fmt(1234.5, 0) == "1.234,5"
    assert fmt(250000, 0) == "250.000"


def test_series_break_interrupts_the_line_and_is_marked():
    xs, ys = _split_at_breaks((2020, 2021, 2022, 2023), (1.0, 2.0, 3.0, 4.0), [2022])
    assert xs == [2020, 2021, 2021.5, 2022, 2023] and math.isnan(ys[2])
    figure = line_figure(line_spec(2, breaks=((2022, "Neue Abgrenzung"),), zielwert=12.0))
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "Zeitreihenbruch" in texts
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert "Zielwert 12,0 %" in labels


def test_suppressed_stadtteile_are_not_drawn_as_zero_but_marked():
    spec = bar_spec()
    figure = bar_figure(spec)
    axes = figure.axes[0]
    assert len(axes.patches) == 3  # Buckau is suppressed: no bar at all
    assert any("gesperrt" in t.get_text() for t in axes.texts)
    assert [spec.labels[i] for i in ranked(spec)] == ["Cracau", "Altstadt", "Diesdorf", "Buckau"]
    assert any(line.get_label().startswith("Gesamtstadt: 14,0 %") for line in axes.get_lines())


def test_alt_text_states_values_years_and_message_in_german():
    spec = line_spec(2, message="Der Abstand hat sich verringert.")
    text = alt_text(spec)
    assert text.startswith("Liniendiagramm: Quote X nach Gruppen.")
    assert "Zeitraum 2015 bis 2024" in text
    assert "Gruppe 1: 2015 11,0 %, 2024 15,5 %." in text
    assert "Der Abstand hat sich verringert." in text
    bars = alt_text(bar_spec())
    assert "Höchster Wert: Cracau mit 30,3 %" in bars or "Höchster Wert: Cracau mit 30,2 %" in bars
    assert "1 von 3 Stadtteilen liegt darüber" in bars  # was "1 von 3 Stadtteilen liegen"
    assert "1 Stadtteil ohne veröffentlichten Wert" in bars  # was "1 Stadtteile"


def test_render_gives_png_and_the_pool_gives_the_same_images():
    specs = [line_spec(2), bar_spec()]
    single = [render(spec) for spec in specs]
    assert all(r.png.startswith(b"\x89PNG") for r in single)
    assert [r.png for r in render_all(specs, processes=1)] == [r.png for r in single]


def test_the_process_pool_draws_the_same_images(monkeypatch):
    """Two worker processes (multiprocessing.Pool: fork on Linux, spawn on Windows and under wintest)."""
    import toolkit.core.runtime as runtime

    monkeypatch.setitem(runtime.POOL_THRESHOLDS, "charts", runtime.PoolThreshold(0, items=1))
    specs = [line_spec(2), bar_spec(), line_spec(3)]
    pooled = render_all(specs, processes=2)
    assert [(r.png, r.alt) for r in pooled] == [(r.png, r.alt) for r in map(render, specs)]
