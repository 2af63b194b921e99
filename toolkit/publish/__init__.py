"""Stage 7, publish: the edited report released as an edition (``toolkit publish``) and the accessible website,
both from the one protected table; each release recorded in the publication ledger.

Reads: the report as the city edited it in Word, the protected table with every earlier edition taken as public
(indicators stage), the report's tables, charts and Stadtteil profiles as compile builds them (report stage), the
catalogue, toolkit.toml ([veroeffentlichung]: Impressum and feedback contact) and the city's own website templates in
templates/web/ where they exist.
Produces: the release check's findings, or outbox/<Jahr>/Veroeffentlichung/ (the tagged PDF of the edited report,
the Tabellenanhang, the open data, the Stadtteil profiles and the website) and the edition in the ledger of the store.
The website is a folder of static pages (start page, one page per indicator and per Stadtteil, methods,
Zeichenerklärung, Impressum, Erklärung zur Barrierefreiheit, a draft in Leichter Sprache), the charts and maps as
SVG and PNG, and the downloads (CSV and XLSX per indicator, all data as a zip with datapackage.json). No script, no
request to another host: the pages work under ``Content-Security-Policy: default-src 'self'``.
"""
