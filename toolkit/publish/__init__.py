"""Stage 7, publish: the edited report released as an edition (``toolkit publish``), recorded in the ledger.

Reads: the report as the city edited it in Word, the protected table with every earlier edition taken as public
(indicators stage), the report's tables as compile builds them (report stage), the catalogue and toolkit.toml.
Produces: the release check's findings, or outbox/<Jahr>/Veroeffentlichung/ (the tagged PDF of the edited report,
the Tabellenanhang, the open data, the Stadtteil profiles) and the edition in the publication ledger of the store.
"""
