"""Yuanshu (源数): the shell package — configuration, storage adapters, CLI and demo data."""

__version__ = "0.1.0"
