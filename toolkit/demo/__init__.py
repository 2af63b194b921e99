"""``toolkit demo``: the whole yearly round on synthetic but realistic Magdeburg data, in one working folder.

Reads: the packaged default catalogue and the parameters of the synthetic data; nothing of the user's.
Produces: a complete demo working folder: earlier years in the store, workbooks and drafts, simulated returns
(one office with mistakes, one silent), checks, merge, status, the report and the open data.
"""
