import math

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point

from geo.crs import CRS84_URI, ensure_crs, parse_crs
from geo.errors import CRSError


@pytest.mark.parametrize(
    "value, epsg",
    [
        pytest.param(4326, 4326, id="int"),
        pytest.param("4490", 4490, id="digits"),
        pytest.param("EPSG:3857", 3857, id="curie"),
        pytest.param("[EPSG:4490]", 4490, id="safe-curie"),
        pytest.param("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, id="ogc-uri"),
    ],
)
def test_parse_crs_forms(value, epsg):
    assert parse_crs(value) == CRS.from_epsg(epsg)


def test_parse_crs84():
    assert parse_crs(CRS84_URI) == CRS.from_user_input("OGC:CRS84")


@pytest.mark.parametrize("value", ["EPSG:99999999", "WGS84!", "../etc/passwd", ""])
def test_parse_crs_rejects(value):
    with pytest.raises(CRSError):
        parse_crs(value)


def test_ensure_crs_refuses_missing_crs_and_skips_same_crs():
    naive = gpd.GeoSeries([Point(106, 30)])
    with pytest.raises(CRSError):
        ensure_crs(naive)
    s = gpd.GeoSeries([Point(106, 30)], crs="EPSG:4326")
    assert ensure_crs(s) is s
    assert ensure_crs(s, 3857).crs == CRS.from_epsg(3857)


@pytest.mark.parametrize("value", [CRS84_URI, "CRS84", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "[OGC:CRS84]", " CRS84 "])
def test_every_crs84_spelling(value):
    crs = parse_crs(value)
    assert crs == CRS.from_user_input("OGC:CRS84") and crs != CRS.from_epsg(4326)  # longitude first


@pytest.mark.parametrize(
    "value, message",
    [
        pytest.param("crs84", "unrecognised CRS 'crs84'", id="crs84-lower-case"),
        pytest.param("[4326", "unrecognised CRS '[4326'", id="half-bracketed-left"),
        pytest.param("4326]", "unrecognised CRS '4326]'", id="half-bracketed-right"),
        pytest.param("ABCDE4326", "unrecognised CRS", id="five-letters-then-digits"),
        pytest.param("EPSG:x4326", "unrecognised CRS", id="curie-with-letter"),
        pytest.param("EPSG:", "unrecognised CRS", id="curie-without-code"),
        pytest.param("http://www.opengis.net/def/crs/EPSG/0/abc", "unrecognised CRS", id="uri-without-code"),
        pytest.param("http://example.com/def/crs/EPSG/0/4326", "unrecognised CRS", id="foreign-uri"),
        pytest.param("WGS84!", "give an EPSG code (4326), 'EPSG:4326', an OGC URI", id="says-what-is-accepted"),
        pytest.param("EPSG:4", "unknown EPSG code 4", id="no-such-code"),
        pytest.param("99999999", "unknown EPSG code 99999999", id="no-such-number"),
    ],
)
def test_parse_crs_says_why(value, message):
    with pytest.raises(CRSError) as info:
        parse_crs(value)
    assert message in str(info.value)


@pytest.mark.parametrize("value, epsg", [("epsg:4490", 4490), ("http://www.opengis.net/def/crs/EPSG/0/3857", 3857), (" 4326 ", 4326)])
def test_parse_crs_tolerates_case_and_blanks(value, epsg):
    assert parse_crs(value) == CRS.from_epsg(epsg)


def test_ensure_crs_says_why_it_refuses():
    with pytest.raises(CRSError, match="frame has no CRS; refusing to assume one"):
        ensure_crs(gpd.GeoSeries([Point(106, 30)]))
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(106, 30)], crs="EPSG:4326")
    moved = ensure_crs(frame, "EPSG:3857")
    assert moved.crs == CRS.from_epsg(3857) and moved.geometry.iloc[0].x == pytest.approx(6378137 * math.radians(106), abs=0.01)  # x = R·λ
    assert ensure_crs(frame, 4326) is frame and ensure_crs(frame, "EPSG:4326") is frame


@pytest.mark.parametrize(
    "value, uri",
    [
        ("CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
        ("EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/4326"),
        ("4490", "http://www.opengis.net/def/crs/EPSG/0/4490"),
        ("http://www.opengis.net/def/crs/EPSG/0/3857", "http://www.opengis.net/def/crs/EPSG/0/3857"),
    ],
)
def test_supported_crs_gives_the_uri_and_the_crs(value, uri):
    from geo.crs import crs_uri, supported_crs

    got_uri, crs = supported_crs(value)
    assert got_uri == uri and crs == parse_crs(value) and crs_uri(crs) == uri


def test_an_unserved_crs_is_refused_naming_the_served_ones():
    from geo.crs import SUPPORTED_OUTPUT_CRS, crs_uri, supported_crs

    with pytest.raises(CRSError) as info:
        supported_crs("EPSG:32648")
    message = str(info.value)
    assert "is not served; use one of " in message and "32648" in message
    assert message.endswith(", ".join(SUPPORTED_OUTPUT_CRS))
    with pytest.raises(CRSError, match="not served"):
        crs_uri(CRS.from_epsg(2065))


@pytest.mark.parametrize(
    "crs, lat_first",
    [
        pytest.param("EPSG:4326", True, id="4326-north-east"),
        pytest.param("EPSG:4490", True, id="4490-north-east"),
        pytest.param("OGC:CRS84", False, id="crs84-east-north"),
        pytest.param("EPSG:3857", False, id="3857-east-north"),
        pytest.param("EPSG:2065", True, id="krovak-south-west"),  # first axis points south
        pytest.param("EPSG:32648", False, id="utm-east-north"),
    ],
)
def test_is_lat_first_reads_the_first_axis(crs, lat_first):
    from geo.crs import is_lat_first

    assert is_lat_first(CRS.from_user_input(crs)) is lat_first
