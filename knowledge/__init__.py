"""Catalog, embedders, vector and lexical indexes, retrieval. Imports nothing above it."""
