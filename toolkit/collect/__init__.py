"""Stage 2, collection: one workbook and one e-mail per office, and who has returned what (``toolkit distribute``,
``toolkit status``).

Reads: the catalogue, toolkit.toml, earlier values and the round's records in the store.
Produces: outbox/<Jahr>/Erhebungsboegen/*.xlsx, outbox/<Jahr>/Mails/*.eml (or SMTP), rounds and sendings in the
store, the return status and reminders; and THE layout of a collection workbook that the returns stage reads by.
"""
