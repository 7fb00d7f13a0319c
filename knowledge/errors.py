"""The root of Aisle's errors lives in the lowest layer so that every layer can raise under it."""


class AisleError(Exception):
    """Root of every error Aisle raises on purpose."""


class CatalogError(AisleError):
    """A catalog or its index cannot be used as it is."""
