"""Integrationsmonitoring-Toolkit der Landeshauptstadt Magdeburg."""

__version__ = "0.2.0"
