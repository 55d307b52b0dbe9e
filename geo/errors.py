"""Domain errors raised by :mod:`geo`."""


class GeoError(ValueError):
    """Base class for invalid geometric input."""


class CRSError(GeoError):
    """A coordinate reference system that is unknown, unsupported or missing."""


class BBoxError(GeoError):
    """A bounding box that cannot be parsed or is out of range."""
