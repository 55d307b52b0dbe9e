"""Topology-preserving simplification for zoom levels.

Polygon layers that tile the plane (counties, cities, provinces) are simplified as a coverage
with :func:`shapely.coverage_simplify`, which moves shared edges once for both neighbours, so no
slivers or gaps open between them. Tolerances follow the ground size of a screen pixel at a zoom
level, so a map at zoom *z* gets about one vertex per pixel.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

#: Metres per 256-px tile pixel at the equator at zoom 0 (Web Mercator).
_M_PER_PX_Z0 = 156543.03392804097
MIN_ZOOM = 0
MAX_ZOOM = 18
#: Simplification tolerance in screen pixels: two pixels keeps outlines visually unchanged.
TOLERANCE_PX = 2


def pixel_deg(zoom: int, latitude: float = 30.0) -> float:
    """Ground size of one 256-px-tile screen pixel at ``zoom``, in degrees (at ``latitude``)."""
    metres = _M_PER_PX_Z0 * np.cos(np.radians(latitude)) / (2**zoom)
    return float(metres / 111_320.0)


def tolerance_deg(zoom: int, latitude: float = 30.0) -> float:
    """Simplification tolerance in degrees for a zoom level: :data:`TOLERANCE_PX` pixels."""
    return TOLERANCE_PX * pixel_deg(zoom, latitude)


def decimals_for_zoom(zoom: int) -> int:
    """Coordinate decimals that keep rounding under a quarter pixel at ``zoom`` (2 at zoom 5, 3 at 7)."""
    return max(2, min(6, int(np.ceil(-np.log10(pixel_deg(zoom) / 4)))))


def simplify_for_zoom(frame: gpd.GeoDataFrame, zoom: int) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` simplified for display at ``zoom`` (EPSG:4326 frames).

    Polygonal layers that form a valid coverage (regions) are simplified together; overlapping
    polygons (zones), lines and points one by one, preserving topology (points unchanged).
    """
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom must be between {MIN_ZOOM} and {MAX_ZOOM}, got {zoom}")
    tol = tolerance_deg(zoom)
    out = frame.copy()
    geoms = out.geometry.to_numpy()
    kinds = set(shapely.get_type_id(geoms).tolist())
    polygonal = kinds <= {3, 6}  # Polygon, MultiPolygon
    if polygonal and len(geoms) and bool(shapely.coverage_is_valid(geoms)):
        simplified = shapely.coverage_simplify(geoms, tolerance=tol)
    else:
        simplified = shapely.simplify(geoms, tol, preserve_topology=True)
    out.geometry = gpd.GeoSeries(simplified, index=out.index, crs=out.crs)
    return out
