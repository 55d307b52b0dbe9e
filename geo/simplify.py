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


def tolerance_deg(zoom: int, latitude: float = 30.0) -> float:
    """Simplification tolerance in degrees for a zoom level: about one screen pixel."""
    metres = _M_PER_PX_Z0 * np.cos(np.radians(latitude)) / (2**zoom)
    return float(metres / 111_320.0)


def simplify_for_zoom(frame: gpd.GeoDataFrame, zoom: int) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` simplified for display at ``zoom`` (EPSG:4326 frames).

    Polygonal layers are simplified together as a coverage; lines and points individually
    (points unchanged). Invalid coverages fall back to per-geometry topology-preserving
    simplification.
    """
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom must be between {MIN_ZOOM} and {MAX_ZOOM}, got {zoom}")
    tol = tolerance_deg(zoom)
    out = frame.copy()
    geoms = out.geometry.to_numpy()
    kinds = set(shapely.get_type_id(geoms).tolist())
    polygonal = kinds <= {3, 6}  # Polygon, MultiPolygon
    if polygonal and len(geoms):
        try:
            simplified = shapely.coverage_simplify(geoms, tolerance=tol)
        except Exception:  # not a valid coverage (e.g. overlapping zones): simplify one by one
            simplified = shapely.simplify(geoms, tol, preserve_topology=True)
    else:
        simplified = shapely.simplify(geoms, tol, preserve_topology=True)
    out.geometry = gpd.GeoSeries(simplified, index=out.index, crs=out.crs)
    return out
