"""Stage 6, report: the Word report, its Tabellenanhang and the Stadtteil profiles (``toolkit compile``).

Reads: the protected table (indicators stage), the catalogue, toolkit.toml, templates/Bericht.docx and the map
shapes of the Stadtteile.
Produces: outbox/<Jahr>/Integrationsbericht_<Jahr>.docx (public or internal edition, optionally a PDF), the
Tabellenanhang, the Stadtteilprofile, charts and maps with alt text, and the report template for ``toolkit init``.
"""
