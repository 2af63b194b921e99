"""Stage 7, publish: the accessible website from the one protected table (and, later, the release of the report).

Reads: the protected table (indicators stage), the report's content, charts and Stadtteil profiles (report stage),
the catalogue, toolkit.toml ([veroeffentlichung]: Impressum and feedback contact) and the city's own website
templates in templates/web/ where they exist.
Produces: a folder of static pages (start page, one page per indicator and per Stadtteil, methods,
Zeichenerklärung, Impressum, Erklärung zur Barrierefreiheit, a draft in Leichter Sprache), the charts and maps as
SVG and PNG, and the downloads (CSV and XLSX per indicator, all data as a zip with datapackage.json). No script, no
request to another host: the pages work under ``Content-Security-Policy: default-src 'self'``.
"""
