"""Area and length measurement on the ellipsoid's behalf, never in degrees.

Areas are computed in the Albers equal-area projection for China (:data:`geo.crs.ALBERS_CHINA`),
whose scale error over Sichuan–Chongqing is well under 0.1 %. Lengths are geodesic on the WGS84
ellipsoid (pyproj.Geod), which is exact for any extent.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from geo.crs import ALBERS_CHINA, ensure_crs

_GEOD = Geod(ellps="WGS84")


def area_km2(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Area of each geometry in km², measured in an equal-area projection.

    Raises
    ------
    geo.errors.CRSError
        If the frame has no CRS.
    """
    projected = ensure_crs(frame, ALBERS_CHINA)
    geoms = projected.geometry if isinstance(projected, gpd.GeoDataFrame) else projected
    return pd.Series(geoms.area.to_numpy() / 1e6, index=frame.index)


def length_km(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Geodesic length of each (multi)line in km on the WGS84 ellipsoid; 0 for points."""
    lonlat = ensure_crs(frame, "EPSG:4326")
    geoms = lonlat.geometry if isinstance(lonlat, gpd.GeoDataFrame) else lonlat
    values = [geometry_length_km(g) if g is not None and not g.is_empty else np.nan for g in geoms]
    return pd.Series(values, index=frame.index)


def geometry_length_km(geometry) -> float:
    """Geodesic length in km of one lon/lat (WGS84) geometry on the ellipsoid; 0 for points."""
    return _GEOD.geometry_length(geometry) / 1000.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in metres between two WGS84 points."""
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


def disc_with_area(centre_lon: float, centre_lat: float, within, target_km2: float, tolerance: float = 0.005):
    """The disc around a point whose part inside ``within`` (a lon/lat polygon) has ``target_km2``.

    Radius found by bisection in the Albers equal-area projection for China; returns the clipped
    disc (lon/lat). Used to draw an indicative outline of a documented area around named towns.

    Raises
    ------
    GeoError
        If ``within`` is smaller than ``target_km2``.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.crs import ALBERS_CHINA
    from geo.errors import GeoError

    area_of = gpd.GeoSeries([within], crs="EPSG:4326").to_crs(ALBERS_CHINA)
    region = area_of.iloc[0]
    if region.area / 1e6 < target_km2:
        raise GeoError(f"the area to clip to ({region.area / 1e6:.0f} km²) is smaller than {target_km2} km²")
    centre = gpd.GeoSeries([Point(centre_lon, centre_lat)], crs="EPSG:4326").to_crs(ALBERS_CHINA).iloc[0]
    lo, hi = 0.0, 1000.0
    while centre.buffer(hi * 1000).intersection(region).area / 1e6 < target_km2:
        hi *= 2
    disc = None
    for _ in range(60):
        mid = (lo + hi) / 2
        disc = centre.buffer(mid * 1000, quad_segs=32).intersection(region)
        got = disc.area / 1e6
        if abs(got - target_km2) <= tolerance * target_km2:
            break
        lo, hi = (mid, hi) if got < target_km2 else (lo, mid)
    return gpd.GeoSeries([disc], crs=ALBERS_CHINA).to_crs("EPSG:4326").iloc[0]
