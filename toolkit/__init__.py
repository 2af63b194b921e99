"""Integrationsmonitoring-Toolkit der Landeshauptstadt Magdeburg."""

__version__ = "0.1.0"
