"""Coordinate reference systems used by the atlas, and reprojection that refuses to guess.

Storage CRS is EPSG:4326 (WGS84, longitude/latitude as handled by GeoPandas). GeoJSON output
is OGC CRS84 (longitude first), which has the same coordinates as our storage frames.
CGCS2000 (EPSG:4490), the datum of Tianditu and Chinese official surveying, differs from WGS84
by centimetres, far below the precision of any layer here, so it needs no datum shift; GCJ-02,
the obfuscated datum of raw Amap coordinates, is handled in :mod:`geo.datum`.
"""

from __future__ import annotations

import geopandas as gpd
from pyproj import CRS

from geo.errors import CRSError

WGS84 = CRS.from_epsg(4326)
CGCS2000 = CRS.from_epsg(4490)
WEB_MERCATOR = CRS.from_epsg(3857)
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: Albers equal-area conic for China (standard parallels 25°N and 47°N, central meridian 105°E),
#: the projection Chinese national statistics use for areas; on WGS84.
ALBERS_CHINA = CRS.from_proj4(
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)
STORAGE_CRS = WGS84

_ACCEPTED = "an EPSG code (4326), 'EPSG:4326', an OGC URI (http://www.opengis.net/def/crs/EPSG/0/4326) or CRS84"


def parse_crs(value: str | int) -> CRS:
    """Turn an EPSG code, ``EPSG:nnnn`` CURIE, ``[EPSG:nnnn]`` safe CURIE or OGC URI into a CRS.

    Parameters
    ----------
    value : str or int
        The CRS as a user gives it.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    CRSError
        If the value is none of the accepted forms.
    """
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text in {CRS84_URI, "CRS84", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84"}:
        return CRS.from_user_input("OGC:CRS84")
    code: str | None = None
    if text.isdigit():
        code = text
    elif text.upper().startswith("EPSG:") and text[5:].isdigit():
        code = text[5:]
    elif text.startswith("http://www.opengis.net/def/crs/EPSG/0/") and text.rsplit("/", 1)[1].isdigit():
        code = text.rsplit("/", 1)[1]
    if code is None:
        raise CRSError(f"unrecognised CRS {value!r}: give {_ACCEPTED}")
    try:
        return CRS.from_epsg(int(code))
    except Exception as exc:  # pyproj raises its own CRSError subclasses
        raise CRSError(f"unknown EPSG code {code}") from exc


def ensure_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, crs: CRS | str | int = STORAGE_CRS):
    """Return ``frame`` in ``crs``, reprojecting only when needed.

    Raises
    ------
    CRSError
        If ``frame`` has no CRS: we never assume longitude/latitude.
    """
    if frame.crs is None:
        raise CRSError("frame has no CRS; refusing to assume one")
    target = CRS.from_user_input(crs)
    if CRS.from_user_input(frame.crs) == target:
        return frame
    return frame.to_crs(target)


#: CRSs the OGC API serves, by their OGC URI.
SUPPORTED_OUTPUT_CRS: dict[str, CRS] = {
    CRS84_URI: CRS.from_user_input("OGC:CRS84"),
    "http://www.opengis.net/def/crs/EPSG/0/4326": WGS84,
    "http://www.opengis.net/def/crs/EPSG/0/4490": CGCS2000,
    "http://www.opengis.net/def/crs/EPSG/0/3857": WEB_MERCATOR,
}


def crs_uri(crs: CRS) -> str:
    """The OGC URI of a supported CRS."""
    for uri, candidate in SUPPORTED_OUTPUT_CRS.items():
        if candidate == crs:
            return uri
    raise CRSError(f"CRS {crs.to_string()} is not served; use one of {', '.join(SUPPORTED_OUTPUT_CRS)}")


def supported_crs(value: str) -> tuple[str, CRS]:
    """Parse ``value`` and require it to be one the OGC API serves; returns (uri, crs)."""
    crs = parse_crs(value)
    return crs_uri(crs), crs


def is_lat_first(crs: CRS) -> bool:
    """True where the CRS's authority axis order puts latitude (northing) first, e.g. EPSG:4326."""
    axes = crs.axis_info
    return bool(axes) and axes[0].direction.lower() in {"north", "south"}
