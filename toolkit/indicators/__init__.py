"""Stage 5, indicators: rates, gaps and trends, and the disclosure control everything published goes through.

Reads: the values in the store and the catalogue (Geheimhaltung profiles, sum rules, equal counts).
Produces: the one protected table of published values (primary and secondary suppression), an audit that tries
to recompute suppressed counts, and the open data (``toolkit export``: CSV + datapackage.json).
"""
