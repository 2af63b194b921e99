"""Stage 4, merge: take clean returns and imported tables into the store (``toolkit merge``, ``toolkit import``,
``toolkit log``).

Reads: the checked returns, long or mapped wide tables (CSV/Excel, e.g. KISS-MD exports, with a mapping from
templates/zuordnungen/), the catalogue and the store.
Produces: deliveries, values and their history in data/monitoring.sqlite, the byte-for-byte archive in
archive/<Jahr>/<Stelle>/, the master matrix outbox/Monitoringdaten.xlsx, and the change log.
"""
