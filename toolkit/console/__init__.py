"""The terminal side of the CLI: German help texts, progress bars and the rendering of results.

Reads: the result objects the library functions return (reports, status, change log); never a file.
Produces: rich tables, JSON and progress bars on the terminal, and the German wording of the CLI library's
own texts. Only the CLI (toolkit/cli.py) imports it.
"""
