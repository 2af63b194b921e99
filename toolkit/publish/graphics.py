"""The website's pictures: the report's chart specs drawn once each as SVG (shown on the page) and PNG (download).

Every picture comes from the same spec and the same drawing function as in the Word report (report/charts.py,
report/maps.py, report/profiles.py), with the same alt text, so the site follows every change there.

matplotlib's SVG is made fit for a strict Content-Security-Policy (``default-src 'self'``) and for being placed
into a page (``clean_svg``):
- text stays text (``svg.fonttype = none``): searchable, sharp, small;
- inline CSS is not allowed under that policy, and a browser then draws the chart as a black box: every
  ``style="…"`` becomes presentation attributes, the ``<style>`` rule of the root becomes attributes of ``<svg>``;
- every id gets the picture's own prefix, and its references (``href="#…"``, ``url(#…)``) with it, so two
  pictures in one page never share an id; ``svg.hashsalt`` and no date make the output the same on every run;
- a ``<title>`` (the chart's title) and a ``<desc>`` (its alt text), ``role="img"`` and the language;
- path coordinates rounded to a tenth of a point and the font named once (a third of the size of a map, no
  visible change).

Charts are drawn in the project's one process pool (core/runtime.workers_for, kind "charts") when it pays.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import matplotlib
from lxml import etree
from matplotlib.figure import Figure

from toolkit.core.progress import Progress
from toolkit.core.runtime import map_in_pool
from toolkit.report.chart_layout import png_bytes
from toolkit.report.charts import Spec, alt_of, figure_of
from toolkit.report.picture_cache import PictureCache, drawing_label

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
HASH_SALT = "integrationsmonitoring"  # fixed: the same chart gives the same SVG on every run
SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": HASH_SALT}
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_DECIMAL = re.compile(r"-?\d+\.\d+")


@dataclass(frozen=True)
class PictureJob:
    """One picture of the site: its spec, its file stem (also the prefix of its ids) and its title."""

    spec: Spec  # a chart, a map or a locator map (each draws itself through charts.figure_of)
    stem: str
    title: str
    png: bool = True  # charts and maps are also offered as PNG; a locator map is not


@dataclass(frozen=True)
class Picture:
    stem: str
    svg: bytes
    png: bytes | None
    alt: str


def picture_alt(spec: Spec) -> str:
    """The alt text of the Word report for the same spec."""
    return alt_of(spec)


def draw(job: PictureJob) -> Picture:
    """Draw the spec once; save it as cleaned SVG and (if asked) as PNG of the report's resolution."""
    figure: Figure = figure_of(job.spec)
    alt = picture_alt(job.spec)
    buffer = io.BytesIO()
    with matplotlib.rc_context(SVG_SETTINGS):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = clean_svg(buffer.getvalue(), job.stem, job.title, alt)
    return Picture(job.stem, svg, png_bytes(figure) if job.png else None, alt)


def draw_all(jobs: Sequence[PictureJob], processes: int = 0, progress: Progress | None = None,
             cache: PictureCache | None = None) -> list[Picture]:
    """Every picture, in order; in the process pool when there are enough (``processes``: setting prozesse).

    ``cache``: the pictures kept in the working folder (report/picture_cache.py). The SVG is kept as cleaned, so
    its key has the page's stem and title; the PNG shares the report's key (the same spec gives the same bytes), so
    the website draws only the SVG of a chart ``compile`` drew.
    """
    cache = cache or PictureCache(None)
    svg_keys = [cache.key(job.spec, "svg", job.stem, job.title, etree.LXML_VERSION) for job in jobs]
    png_keys = [cache.key(job.spec, "png") if job.png else None for job in jobs]
    svgs = [cache.get(key) for key in svg_keys]
    pngs = [cache.get(key) for key in png_keys]
    missing = [n for n, job in enumerate(jobs) if svgs[n] is None or (job.png and pngs[n] is None)]
    drawn = map_in_pool(draw, [replace(jobs[n], png=jobs[n].png and pngs[n] is None) for n in missing], "charts",
                        processes=processes, progress=progress,
                        label=drawing_label("Grafiken der Website zeichnen", len(missing), len(jobs)))
    pictures = dict(zip(missing, drawn, strict=True))
    for n, picture in pictures.items():
        cache.put(svg_keys[n], picture.svg)
        if picture.png is not None:
            cache.put(png_keys[n], picture.png)
    cache.prune()
    return [replace(pictures[n], png=pictures[n].png or pngs[n]) if n in pictures
            else Picture(job.stem, svgs[n], pngs[n], picture_alt(job.spec)) for n, job in enumerate(jobs)]


def clean_svg(data: bytes, prefix: str, title: str, description: str) -> bytes:
    """matplotlib's SVG without inline CSS, with ids of its own and a title; see the module docstring."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    for element in list(root.iter(f"{{{SVG}}}metadata", f"{{{SVG}}}style")):
        if element.tag == f"{{{SVG}}}style":
            _apply_root_rule(root, element.text or "")
        element.getparent().remove(element)
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    renamed = {old: f"{prefix}-{_id_part(old)}" for old in ids}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style):
                element.set(name, value)
        for name, value in list(element.attrib.items()):
            if name == "id":
                element.set(name, renamed[value])
            elif name in (f"{{{XLINK}}}href", "href") and value.startswith("#") and value[1:] in renamed:
                element.set(name, f"#{renamed[value[1:]]}")
            elif "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{renamed.get(m.group(1), m.group(1))})", value))
            elif name == "d":
                element.set(name, _DECIMAL.sub(_one_decimal, " ".join(value.split())))
    _hoist_font(root)
    for defs in list(root.iter(f"{{{SVG}}}defs")):
        if len(defs) == 0:
            defs.getparent().remove(defs)
    title_element = etree.Element(f"{{{SVG}}}title", id=f"{prefix}-titel")
    title_element.text = title
    desc = etree.Element(f"{{{SVG}}}desc", id=f"{prefix}-beschreibung")
    desc.text = description
    root.insert(0, desc)
    root.insert(0, title_element)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-titel {prefix}-beschreibung")
    root.set(f"{{{XML}}}lang", "de")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8") + b"\n"


def _apply_root_rule(root: etree._Element, css: str) -> None:
    """matplotlib's only rule, ``*{stroke-linejoin: round; stroke-linecap: butt}``, as inherited attributes."""
    for block in re.findall(r"\{([^}]*)\}", css):
        for name, value in _declarations(block):
            root.set(name, value)


def _hoist_font(root: etree._Element) -> None:
    """The font family every text repeats, once on the root (it is inherited)."""
    families = {element.get("font-family") for element in root.iter(f"{{{SVG}}}text")}
    if len(families) == 1 and None not in families:
        root.set("font-family", families.pop())
        for element in root.iter(f"{{{SVG}}}text"):
            del element.attrib["font-family"]


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = []
    for part in style.split(";"):
        name, _, value = part.partition(":")
        if name.strip() and value.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _id_part(value: str) -> str:
    """An id as a safe name part: matplotlib's ids may contain dots ('matplotlib.axis_1')."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", value)


def _one_decimal(match: re.Match) -> str:
    text = f"{float(match.group(0)):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
