"""Offline jobs: data formats and converters, model training, evaluation. May import any layer."""
