"""Loaders: source files -> validated records -> triples."""
