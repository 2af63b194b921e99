"""Stage 3, returns: guard, read and check the returned workbooks (``toolkit check``).

Reads: the files in inbox/ (untrusted: size, zip, macros and XML entities are checked before parsing), the
catalogue, the workbook layout and the values and rounds in the store (read-only).
Produces: a FileReport of Problems per file (sheet, cell, indicator, message), the values read, and the
Prüfberichte in outbox/<Jahr>/Pruefberichte/.
"""
