"""Bounding-box parsing and range checks (OGC API – Features / RFC 7946 conventions)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.errors import BBoxError


@dataclass(frozen=True)
class BBox:
    """A longitude/latitude box: west, south, east, north (degrees, WGS84)."""

    west: float
    south: float
    east: float
    north: float

    def as_tuple(self) -> tuple[float, float, float, float]:
        """Return ``(west, south, east, north)``."""
        return (self.west, self.south, self.east, self.north)


def parse_bbox(text: str) -> BBox:
    """Parse ``"minlon,minlat,maxlon,maxlat"`` into a :class:`BBox`.

    Raises
    ------
    BBoxError
        With a message saying what is wrong: count of numbers, non-numbers, NaN or infinity,
        values outside ±180/±90, or min greater than max. Boxes crossing the antimeridian are
        refused: nothing in this atlas is near it.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise BBoxError(
            f"bbox needs 4 comma-separated numbers minlon,minlat,maxlon,maxlat; got {len(parts)}"
        )
    values: list[float] = []
    for name, part in zip(("minlon", "minlat", "maxlon", "maxlat"), parts):
        try:
            value = float(part)
        except ValueError:
            raise BBoxError(f"bbox {name} is not a number: {part[:40]!r}") from None
        if not math.isfinite(value):
            raise BBoxError(f"bbox {name} must be finite, got {part[:40]!r}")
        values.append(value)
    west, south, east, north = values
    for name, value, limit in (("minlon", west, 180), ("maxlon", east, 180), ("minlat", south, 90), ("maxlat", north, 90)):
        if abs(value) > limit:
            raise BBoxError(f"bbox {name}={value} is outside ±{limit}")
    if west > east:
        raise BBoxError(f"bbox minlon {west} is greater than maxlon {east} (order is minlon,minlat,maxlon,maxlat)")
    if south > north:
        raise BBoxError(f"bbox minlat {south} is greater than maxlat {north} (order is minlon,minlat,maxlon,maxlat)")
    return BBox(west, south, east, north)
