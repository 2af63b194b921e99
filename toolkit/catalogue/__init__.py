"""Stage 1, the catalogue: read and validate the Indikatorenmatrix, and write its template.

Reads: templates/Indikatorenmatrix.xlsx (or the packaged default CSVs in toolkit/defaults/).
Produces: a validated Catalogue (indicators, groups, offices, Stadtteile, Geheimhaltung profiles, sum rules), the
template workbook for ``toolkit init``, and the one-time move of an old store to the official Stadtteil keys.
"""
