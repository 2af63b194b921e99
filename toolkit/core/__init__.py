"""The ground every stage stands on: exit codes and errors, problems, settings, paths, the store, keys.

Reads: toolkit.toml (settings), data/monitoring.sqlite (store); nothing of the catalogue or of returns.
Produces: the shared types (ExitCode and ToolkitError, Problem, ObservationKey, Settings, Workspace, Store),
German cell conventions, atomic writes and the folder lock, the one process pool.
"""
