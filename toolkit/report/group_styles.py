"""One style per group (colour, marker, dash) for every chart, map legend and SVG: a group looks the same on every page.

Before, a line took the colour of its position in the chart, so "Nichtdeutsche" was green on one page and blue on
the next. Here the style belongs to the group code of the catalogue's Merkmale sheet:

- Colours from the colour-blind-safe palettes of Okabe & Ito (2008) and Paul Tol (muted and vibrant sets; one
  brown from ColorBrewer's Dark2), only
  tones with a contrast of at least 3:1 against white (WCAG 2.1, 1.4.11 non-text contrast; checked by a test):
  Okabe-Ito's orange, sky blue and yellow and Tol's light tones fall below it and are not used.
- Colour is never the only cue: every group also has its own marker, and the groups of one family their own dash
  pattern, so lines stay apart in grey print and for readers who confuse hues. No two groups share the whole style.
- The same meaning keeps its colour in another source: the Melderegister's Migrationshintergrund, that of the
  Kita-Statistik and that of the Mikrozensus are the same green (their markers and dashes differ);
  "Familiensprache Deutsch" is the blue of "Deutsche", "Nichtdeutsche Familiensprache" the vermilion of
  "Nichtdeutsche". Groups that appear together in one indicator of the default catalogue never share a colour
  (checked by a test).
- Black is no group's colour: it marks references (Gesamtstadt value on Stadtteil bars, Zielwert).
- A group the city adds to its catalogue gets a style from a reserve (RESERVE), in the order of the Merkmale sheet,
  so it too looks the same in every chart of a report.

The styles are plain data (hex colour, matplotlib marker code, dash lengths in points) so the website can draw the
same lines as SVG: ``dash`` is an SVG stroke-dasharray, ``MARKER_NAMES`` names each marker's shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GREY = "#595959"  # 7.0:1
BLUE = "#0072B2"  # Okabe-Ito blue, 5.2:1
VERMILION = "#D55E00"  # Okabe-Ito vermilion, 3.9:1
GREEN = "#009E73"  # Okabe-Ito bluish green, 3.4:1
PURPLE = "#CC79A7"  # Okabe-Ito reddish purple, 3.1:1
WINE = "#882255"  # Tol muted wine, 8.7:1
INDIGO = "#332288"  # Tol muted indigo, 12.2:1
OLIVE = "#999933"  # Tol muted olive, 3.0:1
ROSE = "#CC6677"  # Tol muted rose, 3.7:1
DARK_GREEN = "#117733"  # Tol muted green, 5.7:1
VIOLET = "#AA4499"  # Tol muted purple, 5.3:1
MAGENTA = "#EE3377"  # Tol vibrant magenta, 3.9:1
TEAL = "#009988"  # Tol vibrant teal, 3.6:1
DARK_BLUE = "#004488"  # Tol high-contrast blue, 9.6:1
BROWN = "#A6761D"  # ColorBrewer Dark2 brown, 4.0:1
REFERENCE = "#000000"  # reference lines: Gesamtstadt, Zielwert

SOLID: tuple[float, ...] = ()
DASHED = (5.0, 2.0)
DOTTED = (1.5, 1.5)
DASH_DOT = (6.0, 2.0, 1.5, 2.0)
LONG_DASH = (9.0, 3.0)
SHORT_DASH = (3.0, 1.5)
DASH_DOT_DOT = (6.0, 2.0, 1.5, 2.0, 1.5, 2.0)

MARKER_NAMES = {"o": "Kreis", "s": "Quadrat", "^": "Dreieck", "v": "Dreieck (Spitze unten)", "D": "Raute",
                "d": "schmale Raute", "P": "Plus", "X": "Kreuz", "<": "Dreieck (Spitze links)",
                ">": "Dreieck (Spitze rechts)", "p": "Fünfeck", "h": "Sechseck", "H": "Sechseck (quer)",
                "*": "Stern", "8": "Achteck"}


@dataclass(frozen=True)
class SeriesStyle:
    """How a group is drawn: line and marker colour, marker (matplotlib code), dash (on/off in points; () solid)."""

    colour: str
    marker: str
    dash: tuple[float, ...] = SOLID

    @property
    def linestyle(self) -> str | tuple[float, tuple[float, ...]]:
        """The dash as matplotlib's linestyle."""
        return "-" if not self.dash else (0.0, self.dash)


GROUP_STYLES: dict[str, SeriesStyle] = {
    "insgesamt": SeriesStyle(GREY, "o", SOLID),
    # Staatsangehörigkeit
    "deutsch": SeriesStyle(BLUE, "s", DASHED),
    "nichtdeutsch": SeriesStyle(VERMILION, "^", SOLID),
    "eu": SeriesStyle(PURPLE, "D", DOTTED),
    "drittstaaten": SeriesStyle(WINE, "v", DASH_DOT),
    "asylherkunft": SeriesStyle(OLIVE, "P", LONG_DASH),
    "ukraine": SeriesStyle(INDIGO, "X", SHORT_DASH),
    "sonstige_drittstaaten": SeriesStyle(ROSE, "<", DASH_DOT_DOT),
    "bildungsauslaender": SeriesStyle(TEAL, ">", SOLID),
    "bildungsinlaender": SeriesStyle(BROWN, "d", DASHED),
    # Migrationshintergrund (Melderegister, Kita-Statistik, Mikrozensus) and Einwanderungsgeschichte
    "mit_mh": SeriesStyle(GREEN, "p", SOLID),
    "ohne_mh": SeriesStyle(DARK_GREEN, "h", DASHED),
    "deutsch_mit_mh": SeriesStyle(VIOLET, "*", DASH_DOT),
    "mit_mh_kita": SeriesStyle(GREEN, "8", LONG_DASH),
    "ohne_mh_kita": SeriesStyle(DARK_GREEN, "H", SHORT_DASH),
    "mit_mh_mz": SeriesStyle(GREEN, "P", DASH_DOT),
    "ohne_mh_mz": SeriesStyle(DARK_GREEN, "s", DOTTED),
    "mit_eg": SeriesStyle(MAGENTA, "D", SOLID),
    "ohne_eg": SeriesStyle(DARK_BLUE, "v", DASHED),
    # Familiensprache
    "familiensprache_deutsch": SeriesStyle(BLUE, "H", DOTTED),
    "familiensprache_nichtdeutsch": SeriesStyle(VERMILION, "8", DASH_DOT_DOT),
}

# styles for groups the default catalogue does not know, handed out in the order of the Merkmale sheet
RESERVE: tuple[SeriesStyle, ...] = tuple(
    SeriesStyle(colour, marker, dash)
    for dash in (SHORT_DASH, LONG_DASH, DOTTED, DASH_DOT_DOT)
    for colour, marker in ((TEAL, "h"), (WINE, "8"), (INDIGO, "p"), (OLIVE, "*"), (ROSE, "d"), (DARK_BLUE, "X"),
                           (BROWN, "P"), (MAGENTA, ">"), (PURPLE, "<"), (VIOLET, "s")))


def group_styles(groups: Iterable[str]) -> dict[str, SeriesStyle]:
    """The style of every group code (pass them in the order of the catalogue's Merkmale sheet).

    Known groups keep GROUP_STYLES; others take the next unused reserve style, so a report built from one
    catalogue draws every group alike in every chart. Beyond the reserve (40 further groups) styles repeat.
    """
    used = set(GROUP_STYLES.values())
    free = [style for style in RESERVE if style not in used]
    styles: dict[str, SeriesStyle] = {}
    for n, code in enumerate(g for g in dict.fromkeys(groups) if g not in GROUP_STYLES):
        styles[code] = free[n % len(free)]
    return {**{code: style for code, style in GROUP_STYLES.items()}, **styles}
