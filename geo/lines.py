"""Schematic geometry built from named places."""

from __future__ import annotations

from collections.abc import Sequence

from shapely.geometry import LineString, Point

from geo.errors import GeoError


def schematic_line(points: Sequence[tuple[float, float]]) -> LineString:
    """A straight-segment polyline through ``points`` in order, consecutive repeats removed.

    Raises
    ------
    GeoError
        If fewer than two distinct points remain.
    """
    distinct: list[tuple[float, float]] = []
    for lon, lat in points:
        if not distinct or distinct[-1] != (lon, lat):
            distinct.append((float(lon), float(lat)))
    if len(distinct) < 2:
        raise GeoError(f"a schematic line needs at least two distinct places, got {len(distinct)}")
    return LineString(distinct)


def point(lon: float, lat: float) -> Point:
    """A WGS84 point."""
    return Point(float(lon), float(lat))
