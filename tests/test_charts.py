"""Charts: text that fits (measured by the renderer), one style per group in every chart, panels so no series lies
flat, German axis numbers, breaks, suppressed Stadtteile with their symbol, alt text from the numbers."""

from __future__ import annotations

import math

import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Circle, Rectangle

from toolkit.indicators.confidentiality import SYMBOL_MEANINGS, symbol_label
from toolkit.report.chart_layout import text_problems, text_width, wrap
from toolkit.report.charts import (
    BarChart,
    Line,
    LineChart,
    _axis_formatter,
    _split_at_breaks,
    alt_text,
    bar_figure,
    figure_of,
    line_figure,
    ranked,
    render,
    render_all,
    scale_panels,
)
from toolkit.report.group_styles import GROUP_STYLES, RESERVE, group_styles
from toolkit.report.maps import CircleMap

YEARS = tuple(range(2015, 2025))
NAN = math.nan
STYLES = list(GROUP_STYLES.values())


def line_spec(n_lines: int = 3, **extra) -> LineChart:
    lines = tuple(Line(f"Gruppe {i}", YEARS, tuple(10.0 + i + 0.5 * j for j in range(10)), STYLES[i])
                  for i in range(n_lines))
    return LineChart("Quote X nach Gruppen", "%", "Amt für Statistik", lines, **extra)


def bar_spec() -> BarChart:
    return BarChart("Anteil nach Stadtteilen", "%", "Melderegister", ("Altstadt", "Buckau", "Cracau", "Diesdorf"),
                    (12.5, NAN, 30.25, 8.0), ("", ".", "", ""), city_value=14.0, year=2024)


# ---- text that fits ---------------------------------------------------------------------------------------


def test_every_text_of_every_chart_and_map_of_the_compiled_report_lies_inside_and_apart(compiled_specs):
    """Issue #19, point 1: measured by matplotlib's renderer after the one draw, no text leaves its figure and no
    two texts overlap, in every chart and map of the compiled report and in the profiles' locator maps."""
    _workspace, _result, _catalogue, _published, charts, locators, _problems = compiled_specs
    kinds = {type(spec).__name__ for spec in charts}
    assert kinds == {"LineChart", "BarChart", "MapChart", "CircleMap"}
    for spec in [*charts, *locators[:2]]:
        assert text_problems(figure_of(spec)) == [], getattr(spec, "title", spec)


def test_long_titles_sources_and_legends_wrap_never_shortened():
    long_source = ("Kinder- und Jugendhilfestatistik, Teil Kindertagesbetreuung (Statistisches Landesamt); städtische "
                   "Kita-Daten der Landeshauptstadt Magdeburg (auf 5 gerundet), für Stadtteile das Melderegister")
    lines = tuple(Line(label, YEARS, tuple(float(j) for j in range(10)), STYLES[n]) for n, label in enumerate(
        ("Insgesamt", "Staatsangehörige der acht Asylherkunftsländer und weitere lange Bezeichnungen der Gruppe",
         "Ukrainische Staatsangehörige")))
    spec = LineChart("Sozialversicherungspflichtig Beschäftigte am Arbeitsort mit ausländischer "
                     "Staatsangehörigkeit, Insgesamt, nach Stadtteilen und Gruppen 2025", "%", long_source, lines,
                     breaks=((2020, "Neue Abgrenzung"),), zielwert=5.0)
    bars = BarChart("Betreuungsquote 3 bis unter 6 Jahre (Kinder in Tageseinrichtungen), Insgesamt, nach Stadtteilen "
                    "2025", "%", long_source, ("Altstadt", "Beyendorf-Sohlen"), (120.0, NAN), ("", "x"), 95.0, 2025)
    for figure in (line_figure(spec), bar_figure(bars)):
        texts = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
        assert not any("…" in t for t in texts)
        joined = " ".join(t.replace("\n", " ") for t in texts)
        assert "für Stadtteile das Melderegister" in joined and "nach Stadtteilen" in joined
        assert text_problems(figure) == []


def test_wrapping_is_measured_and_keeps_number_and_unit_together():
    text = "Der Anteil lag 2025 bei 12,5 % und damit z. B. über dem Wert nach § 24 Aufenthaltsgesetz"
    width = text_width("Der Anteil lag 2025 bei 12,5", 7)
    lines = wrap(text, width, 7).split("\n")
    assert all(text_width(line, 7) <= width for line in lines)
    assert " ".join(lines) == text  # nothing dropped or shortened
    assert not any(line.endswith(("12,5", "z.", "§")) for line in lines)
    assert wrap("Kita-Daten/Schuleingangsuntersuchung", text_width("Kita-Daten/", 7), 7).split("\n")[0] == "Kita-Daten/"


# ---- one style per group --------------------------------------------------------------------------------


def _contrast(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


def test_group_styles_are_distinct_with_contrast_and_never_colour_alone(catalogue):
    styles = group_styles(catalogue.groups)
    assert set(catalogue.groups) <= set(styles)
    assert len(set(GROUP_STYLES.values())) == len(GROUP_STYLES)  # no two groups share colour, marker and dash
    for style in [*GROUP_STYLES.values(), *RESERVE]:
        assert _contrast(style.colour) >= 3.0, style  # WCAG 1.4.11 against white
    for indicator in catalogue.indicators.values():  # groups drawn together differ in colour and in marker
        groups = indicator.gruppen
        assert len({styles[g].colour for g in groups}) == len(groups), indicator.id
        assert len({styles[g].marker for g in groups}) == len(groups), indicator.id
    added = group_styles([*catalogue.groups, "spaetaussiedler", "eu_efta"])
    assert added["spaetaussiedler"] != added["eu_efta"]
    assert {added["spaetaussiedler"], added["eu_efta"]}.isdisjoint(GROUP_STYLES.values())
    assert group_styles([*catalogue.groups, "spaetaussiedler"])["spaetaussiedler"] == added["spaetaussiedler"]


def test_the_colour_of_each_group_is_equal_across_all_charts_of_the_report(compiled_specs):
    """Issue #19, point 2: read from the drawn figures, a group has one colour, marker and dash everywhere, and a
    colour names one group (before, the n-th line of every chart had the n-th colour)."""
    _workspace, _result, _catalogue, _published, charts, _locators, _problems = compiled_specs
    seen: dict[str, set] = {}
    for spec in charts:
        figure = figure_of(spec)
        for axes in figure.axes:
            for line in axes.get_lines():
                if line.get_marker() not in (None, "None", ""):
                    seen.setdefault(line.get_label(), set()).add(
                        (to_hex(line.get_color()), line.get_marker(), str(line.get_linestyle())))
            bars = [p for p in axes.patches if isinstance(p, Rectangle)]
            if isinstance(spec, BarChart) and bars:
                group = spec.title.split(", ")[1]
                seen.setdefault(group, set()).add(to_hex(bars[0].get_facecolor()))
            circles = [p for p in axes.patches if isinstance(p, Circle)]
            if isinstance(spec, CircleMap) and circles:
                seen.setdefault(spec.title.split(", ")[1], set()).add(to_hex(circles[0].get_facecolor()[:3]))
    lines = {group: styles for group, styles in seen.items() if any(isinstance(s, tuple) for s in styles)}
    assert {"Insgesamt", "Deutsche", "Nichtdeutsche"} <= set(lines)
    colours: dict[str, str] = {}
    for group, styles in seen.items():
        assert len({s if isinstance(s, tuple) else None for s in styles} - {None}) <= 1, (group, styles)
        hexes = {s[0] if isinstance(s, tuple) else s for s in styles}
        assert len(hexes) == 1, (group, styles)  # lines, bars and circles of a group: one colour
        colours[group] = hexes.pop()
    by_colour: dict[str, set] = {}
    for group, colour in colours.items():
        by_colour.setdefault(colour, set()).add(group)
    shared = {c: g for c, g in by_colour.items() if len(g) > 1}
    assert not shared  # in this report, a colour stands for one group


def test_counts_of_very_different_size_get_panels_so_no_series_lies_flat():
    sizes = {"Insgesamt": 243_000, "Deutsche": 210_000, "Nichtdeutsche": 32_700, "Drittstaaten": 27_500,
             "Asyl": 11_550, "EU": 5_220, "Ukraine": 5_650}
    lines = tuple(Line(label, YEARS, tuple(size * (0.8 + 0.02 * j) for j in range(10)), STYLES[n])
                  for n, (label, size) in enumerate(sizes.items()))
    panels = scale_panels(lines, "Anzahl")
    assert panels == ((0, 1), (2, 3, 4), (5, 6))
    assert scale_panels(lines, "%") == ()  # rates stay on one axis: the gap between groups is the message
    assert scale_panels(lines[:2], "Anzahl") == ()
    spec = LineChart("Einwohner nach Gruppen", "Anzahl", "Melderegister", lines, decimals=0, panels=panels)
    figure = line_figure(spec)
    assert len(figure.axes) == 3
    for axes in figure.axes:
        top = axes.get_ylim()[1]
        for line in axes.get_lines():
            assert max(line.get_ydata()) >= top / 5, line.get_label()  # each line uses at least a fifth of its axis
    assert text_problems(figure) == []
    assert "In 3 Feldern mit eigener Skala" in alt_text(spec)


# ---- drawing details ------------------------------------------------------------------------------------


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


def test_suppressed_stadtteile_are_not_drawn_as_zero_but_marked_with_the_tables_words():
    spec = bar_spec()
    figure = bar_figure(spec)
    axes = figure.axes[0]
    assert len([p for p in axes.patches if isinstance(p, Rectangle)]) == 3  # Buckau is suppressed: no bar at all
    assert [t.get_text() for t in axes.texts] == [" . gesperrt (Geheimhaltung)"]
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


@pytest.mark.parametrize("symbol, words", [(".", "gesperrt (Geheimhaltung)"), ("x", "Aussage nicht sinnvoll"),
                                           ("–", "nichts vorhanden"), ("…", "keine Angabe")])
def test_hidden_values_read_the_same_in_bars_and_maps(symbol, words):
    assert symbol_label(symbol).startswith(f"{symbol} {words}")
    assert symbol in SYMBOL_MEANINGS  # the Zeichenerklärung explains every symbol a chart or map shows
