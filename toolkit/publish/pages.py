"""What each page of the website shows: plain dicts and strings for the Jinja2 templates, and the pictures to draw.

Everything comes from the report's content (report/context.build_report: the drafted texts, the tables with
their symbols and footnotes, the chart specs with their alt texts) and the Stadtteil profiles
(report/profiles.build_profiles), which take their numbers only from the protected table. Nothing is computed
here again: a page shows the same text, table and chart as the Word report, in the site's order (the table
first, then the chart).

Paths are relative to the site folder with forward slashes; a page links with ``root`` (``""`` or ``"../"``) in
front, so the folder works from any web server path, a CMS file drop or the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.catalogue.model import Catalogue, Indicator, name_key
from toolkit.core.settings import Settings
from toolkit.publish.graphics import PictureJob, picture_alt
from toolkit.report.charts import BarChart, LineChart
from toolkit.report.context import report_chapters
from toolkit.report.maps import MAPS, CircleMap, MapChart
from toolkit.report.nationalities import EXTRA_CHART
from toolkit.report.profiles import Profiles, header
from toolkit.report.summary import ANNEX_HEADER
from toolkit.report.tables import Report, break_text

PICTURE_DIR = "grafiken"
DATA_DIR = "daten"
CHART_KINDS = {"grafik": "zeitreihe", "stadtteil_grafik": "stadtteile", "stadtteil_karte": "karte",  # file names
               EXTRA_CHART: "staatsangehoerigkeiten"}
CHART_LABELS = {"grafik": "Zeitreihe", "stadtteil_grafik": "Stadtteile", "stadtteil_karte": "Karte",  # downloads
                EXTRA_CHART: "Staatsangehörigkeiten"}
NAVIGATION = (("Start", "index.html"), ("Kennzahlen", "kennzahlen/index.html"),
              ("Stadtteile", "stadtteile/index.html"), ("Methoden", "methoden.html"), ("Daten", "daten.html"))
FOOTER = (("Zeichenerklärung", "zeichen.html"), ("Impressum", "impressum.html"),
          ("Barrierefreiheit", "barrierefreiheit.html"), ("Leichte Sprache", "leichte-sprache.html"))
# What a screen reader says for a symbol alone in a table cell (the Zeichenerklärung has the full meaning)
SPOKEN_SYMBOLS = {".": "geheim gehalten", "/": "nicht sicher genug", "–": "nichts vorhanden", "…": "keine Angabe",
                  "x": "nicht sinnvoll"}


@dataclass
class Page:
    path: str  # in the site folder, e.g. "kennzahlen/bil-06.html"
    template: str
    title: str  # the <h1> and the first part of <title>
    context: dict = field(default_factory=dict)
    trail: list[tuple[str, str]] = field(default_factory=list)  # breadcrumbs before this page: (label, path)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


@dataclass(frozen=True)
class Download:
    label: str
    path: str  # in the site folder; the page shows its size (website.py)


@dataclass
class SitePlan:
    pages: list[Page]
    pictures: list[PictureJob]
    downloads: dict[str, list[Download]]  # indicator id -> its data files (CSV, XLSX); "" -> the zip
    site: dict  # what every page shows: title, city, year, navigation, publisher, Stand


def indicator_path(indicator_id: str) -> str:
    return f"kennzahlen/{indicator_id.lower()}.html"


def district_path(key: str, name: str) -> str:
    return f"stadtteile/{key}-{slug(name)}.html"


def zip_name(year: int) -> str:
    """All published values up to ``year`` in one file (daten/)."""
    return f"integrationsmonitoring_{year}.zip"


def slug(text: str) -> str:
    """'Neue Neustadt' -> 'neue-neustadt', 'Sülzegrund' -> 'suelzegrund'."""
    text = text.casefold()
    for letter, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(letter, plain)
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-") or "seite"


def plan_site(report: Report, profiles: Profiles, catalogue: Catalogue, settings: Settings, year: int) -> SitePlan:
    """Every page, picture and download of the site, from the report's content and the profiles."""
    context = report.context
    chapters = report_chapters(catalogue, settings.gliederung)
    site = {"titel": settings.titel, "untertitel": settings.untertitel, "stadt": settings.stadt, "jahr": year,
            "stand": context["bericht"]["stand"], "herausgeber": settings.publisher, "navigation": NAVIGATION,
            "fuss": FOOTER, "symbole": SPOKEN_SYMBOLS}
    sections: list[tuple[Indicator, dict, int]] = []  # indicator, its part of the context, chapter number
    for number, (chapter, chapter_context) in enumerate(zip(chapters, context["handlungsfelder"], strict=True), 1):
        sections += [(i, k, number) for i, k in zip(chapter.indicators, chapter_context["kennzahlen"], strict=True)]
    by_context = {id(k): indicator for indicator, k, _n in sections}
    pictures, figures = _chart_jobs(report, by_context)
    downloads = {i.id: [Download("Daten (CSV)", f"{DATA_DIR}/{i.id.lower()}.csv")]
                       + ([Download("Tabellen (Excel)", f"{DATA_DIR}/{i.id.lower()}.xlsx")] if k["hat_daten"] else [])
                 for i, k, _n in sections}
    downloads[""] = [Download(f"Alle veröffentlichten Werte bis {year} (CSV und datapackage.json, ZIP)",
                              f"{DATA_DIR}/{zip_name(year)}")]
    start = Page("index.html", "start.html", f"{settings.titel} {year}", _start(context, chapters))
    home = [("Start", "index.html")]
    pages = [start]
    for n, (indicator, k, chapter) in enumerate(sections):
        pages.append(Page(indicator_path(indicator.id), "kennzahl.html", k["titel"],
                          _indicator(indicator, k, catalogue, figures.get(indicator.id, {}),
                                     downloads[indicator.id], n, sections),
                          [*home, (context["handlungsfelder"][chapter - 1]["titel"], f"index.html#hf-{chapter}")]))
    pages.append(Page("kennzahlen/index.html", "kennzahlen.html", "Kennzahlen von A bis Z",
                      {"kennzahlen": _a_to_z(sections)}, home))
    district_pages = _district_pages(profiles, catalogue, pictures, year)
    pages.append(Page("stadtteile/index.html", "stadtteile.html", f"Stadtteile {year}",
                      _district_index(profiles, catalogue, district_pages), home))
    pages += [Page(p.path, p.template, p.title, p.context, [*home, ("Stadtteile", "stadtteile/index.html")])
              for p in district_pages]
    pages += [
        Page("methoden.html", "methoden.html", "Methoden und Begriffe", _methods(context, profiles), home),
        Page("zeichen.html", "zeichen.html", "Zeichenerklärung", {"zeichen": context["zeichen"],
                                                                  "geheimhaltung_text": context["geheimhaltung_text"]},
             home),
        Page("daten.html", "daten.html", "Daten zum Herunterladen",
             {"gesamt": downloads[""], "kennzahlen": [(i, downloads[i.id]) for i, _k, _n in sections]}, home),
        Page("impressum.html", "impressum.html", "Impressum", {"einstellungen": _publication(settings)}, home),
        Page("barrierefreiheit.html", "barrierefreiheit.html", "Erklärung zur Barrierefreiheit",
             {"einstellungen": _publication(settings)}, home),
        Page("leichte-sprache.html", "leichte-sprache.html", "Leichte Sprache",
             {"einstellungen": _publication(settings)}, home),
    ]
    return SitePlan(pages, pictures, downloads, site)


# ---- pictures -------------------------------------------------------------------------------------------------


def _chart_jobs(report: Report, by_context: dict[int, Indicator]) -> tuple[list[PictureJob], dict[str, dict]]:
    """A picture job per chart of the report; per indicator its figures by slot ('grafik', …) for the page."""
    jobs, figures = [], {}
    for spec, (k, key) in zip(report.charts, report.chart_slots, strict=True):
        indicator = by_context[id(k)]
        own = figures.setdefault(indicator.id, {})
        maps = own.setdefault("stadtteil_karten", [])  # a count gets two maps: circles, and the target group's share
        stem = f"{indicator.id.lower()}-{CHART_KINDS[key]}"
        if key == "stadtteil_karte" and maps:
            stem += f"-{len(maps) + 1}"
        title = _chart_title(spec, k, key)
        jobs.append(PictureJob(spec, stem, title))
        figure = _figure(stem, title, picture_alt(spec), CHART_LABELS[key])
        if key == "stadtteil_karte":
            maps.append(figure)
        else:
            own[key] = figure
    return jobs, figures


def _chart_title(spec: LineChart | BarChart | MapChart | CircleMap, k: dict, key: str) -> str:
    if key == "grafik":
        return k["grafik_titel"]
    if key == "stadtteil_grafik":
        return k["stadtteil_grafik_titel"]
    if key == EXTRA_CHART:
        return k["zusatz"]["grafik_titel"]
    return spec.caption.removeprefix("Abbildung: ") if isinstance(spec, MAPS) and spec.caption else \
        f"{k['stadtteil_grafik_titel']} – Karte"


def _figure(stem: str, title: str, alt: str, label: str = "") -> dict:
    """A picture on a page; with a ``label`` ('Zeitreihe') it is offered for download as SVG and PNG."""
    svg = f"{PICTURE_DIR}/{stem}.svg"
    downloads = [Download(f"{label} (SVG)", svg), Download(f"{label} (PNG)", f"{PICTURE_DIR}/{stem}.png")]
    return {"svg": svg, "titel": title, "alt": alt, "downloads": downloads if label else []}


# ---- pages --------------------------------------------------------------------------------------------------


def _link_id(text: str) -> str:
    """The indicator id a heading or label starts with ('BIL-06 Schulabgänge …' -> 'BIL-06')."""
    return text.split(" ", 1)[0]


def _start(context: dict, chapters: list) -> dict:
    fields = []
    for number, chapter in enumerate(context["handlungsfelder"], 1):
        rows = chapter["zeilen"]
        table = {"titel": f"Übersicht: {chapter['titel']}", "kopf": list(ANNEX_HEADER), "zeilen": [
            [{"text": r["kennzahl"], "href": indicator_path(_link_id(r["kennzahl"]))}, r["jahr"], r["gruppe"],
             r["wert"], r["vergleich"], r["vergleichswert"], r["abstand"], r["entwicklung"], r["bewertung"]]
            for r in rows], "text_spalten": (2, 4, 7, 8)}
        fields.append({"nummer": number, "titel": chapter["titel"], "beschreibung": chapter["beschreibung"],
                       "verweise": chapter["verweise"], "tabelle": table if rows else None})
    findings = [{"titel": part["titel"], "punkte": [
        {"text": p["text"], "name": p["kennzahl"], "href": indicator_path(_link_id(p["abschnitt"]))}
        for p in part["punkte"]]} for part in context["ergebnisse"]]
    return {"zusammenfassung": context["zusammenfassung"], "ergebnisse": findings,
            "ergebnisse_text": context["ergebnisse_text"], "handlungsfelder": fields,
            "trend_erklaerung": context["trend_erklaerung"], "anzahl_kapitel": len(chapters)}


def _indicator(indicator: Indicator, k: dict, catalogue: Catalogue, figures: dict, downloads: list[Download],
               n: int, sections: list) -> dict:
    facts = [("Definition", k["definition"]), ("Zähler", k["zaehler"]), ("Nenner", k["nenner"] if k["zaehler"] else ""),
             ("Einheit", indicator.einheit), ("Quelle", k["quelle"]),
             ("Stichtag", k["stichtag"] + "." if k["stichtag"][-1:].isdigit() else k["stichtag"]),  # '31.12.'
             ("Zeitreihenbrüche", "; ".join(f"{break_text(b.ab_jahr, b.hinweis)}."
                                            for b in catalogue.breaks_of(indicator.id))),
             ("Methodische Hinweise", k["hinweise"])]
    pictures = [*(f for key in ("grafik", "stadtteil_grafik", EXTRA_CHART) if (f := figures.get(key))),
                *figures.get("stadtteil_karten", [])]
    previous = sections[n - 1][0] if n > 0 else None
    following = sections[n + 1][0] if n + 1 < len(sections) else None
    return {
        "k": k, "kennung": indicator.id, "angaben": [(label, text) for label, text in facts if text],
        "grafik": figures.get("grafik"), "stadtteil_grafik": figures.get("stadtteil_grafik"),
        "stadtteil_karten": figures.get("stadtteil_karten", []), EXTRA_CHART: figures.get(EXTRA_CHART),
        "downloads": [*downloads, *(d for f in pictures for d in f["downloads"])],
        "zurueck": (previous.id + " " + previous.name, indicator_path(previous.id)) if previous else None,
        "weiter": (following.id + " " + following.name, indicator_path(following.id)) if following else None,
    }


def _a_to_z(sections: list) -> list[dict]:
    ordered = sorted((i for i, _k, _n in sections), key=lambda i: (name_key(i.name), i.id))
    return [{"kennung": i.id, "name": i.name, "href": indicator_path(i.id)} for i in ordered]


def _district_pages(profiles: Profiles, catalogue: Catalogue, pictures: list[PictureJob], year: int) -> list[Page]:
    keys = {d.area: d.schluessel for d in catalogue.districts}
    paths = [district_path(keys[page.area], page.name) for page in profiles.pages]
    pages = []
    for n, page in enumerate(profiles.pages):
        figure = None
        if page.picture is not None:
            stem = f"lage-{keys[page.area]}"
            title = f"{page.name}: Lage im Stadtgebiet und ausgewählte Anteile"
            spec = profiles.figures[page.picture]
            pictures.append(PictureJob(spec, stem, title, png=False))
            figure = _figure(stem, title, picture_alt(spec))
        rows = [[{"text": row[0], "href": indicator_path(_link_id(row[0]))}, *row[1:]] for row in page.rows]
        table = {"titel": f"Kennzahlen für {page.name}, {year}", "kopf": header(year), "zeilen": rows}
        neighbour = {name: (profiles.pages[m].name, paths[m]) if 0 <= m < len(paths) else None
                     for name, m in (("zurueck", n - 1), ("weiter", n + 1))}
        pages.append(Page(paths[n], "stadtteil.html", page.name, {
            "name": page.name, "schluessel": keys[page.area], "lage": page.position, "karte": figure,
            "werte": table if rows else None, "fussnoten": page.notes, "hinweis": page.sparse,
            "quellen": page.sources, "raenge": "; ".join(page.ranks),
            "attribution": profiles.attribution if figure else "", **neighbour}))
    return pages


def _district_index(profiles: Profiles, catalogue: Catalogue, pages: list[Page]) -> dict:
    paths = {p.context["schluessel"]: p.path for p in pages}
    return {"stadtteile": [{"name": d.name, "schluessel": d.schluessel, "href": paths.get(d.schluessel)}
                           for d in catalogue.districts], "jahr": profiles.year}


def _methods(context: dict, profiles: Profiles) -> dict:
    sources = {"titel": "Quellen und Stichtage der Kennzahlen", "kopf": ["Kennzahl", "Quelle", "Stichtag"],
               "zeilen": [[{"text": q["kennzahl"], "href": indicator_path(_link_id(q["kennzahl"]))}, q["quelle"],
                           q["stichtag"]] for q in context["quellen"]], "text_spalten": (1, 2)}
    return {"begriffe": context["begriffe"], "quellen": sources, "geheimhaltung_text": context["geheimhaltung_text"],
            "trend_erklaerung": context["trend_erklaerung"], "attribution": profiles.attribution}


def _publication(settings: Settings) -> dict:
    return {"herausgeber": settings.publisher, "anschrift": settings.veroeffentlichung_anschrift,
            "stadt": settings.stadt, "email": settings.feedback_email, "telefon": settings.feedback_phone,
            "ombudsstelle": settings.ombudsstelle}
