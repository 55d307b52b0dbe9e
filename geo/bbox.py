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


def parse_bbox_in_crs(text: str, bbox_crs: str | None = None) -> BBox:
    """Parse a bbox given in ``bbox_crs`` (OGC API – Features Part 2) into a lon/lat :class:`BBox`.

    The four numbers are in the CRS's own axis order (EPSG:4326 and 4490 are lat/lon: minlat,
    minlon, maxlat, maxlon); a projected box is transformed to lon/lat, taking the envelope of
    its four corners. ``None`` means CRS84 (lon/lat).

    Raises
    ------
    BBoxError
        For a malformed or out-of-range box.
    CRSError
        For a CRS outside the supported set.
    """
    if bbox_crs is None:
        return parse_bbox(text)
    from pyproj import Transformer

    from geo.crs import is_lat_first, supported_crs

    _, crs = supported_crs(bbox_crs)
    values = [v.strip() for v in str(text).split(",")]
    if len(values) != 4:
        raise BBoxError(f"bbox needs 4 comma-separated numbers; got {len(values)}")
    try:
        a, b, c, d = (float(v) for v in values)
    except ValueError:
        raise BBoxError("bbox values must be numbers") from None
    if is_lat_first(crs):
        a, b, c, d = b, a, d, c
    if crs.is_geographic:
        return parse_bbox(f"{a},{b},{c},{d}")
    if not all(math.isfinite(v) for v in (a, b, c, d)):
        raise BBoxError("bbox values must be finite")
    to_lonlat = Transformer.from_crs(crs, "OGC:CRS84", always_xy=True)
    xs, ys = to_lonlat.transform([a, c, a, c], [b, b, d, d])
    if not all(math.isfinite(v) for v in (*xs, *ys)):
        raise BBoxError(f"bbox is outside the area of {bbox_crs}")
    return parse_bbox(f"{min(xs)},{min(ys)},{max(xs)},{max(ys)}")
