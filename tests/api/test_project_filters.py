import pytest


def ids(client, layer, **params):
    r = client.get(f"/api/layers/{layer}", params=params)
    assert r.status_code == 200, r.text
    return {f["id"]: f["properties"] for f in r.json()["features"]}


def test_kind_filter(client):
    hits = ids(client, "rail", kind="high_speed")
    assert hits and all(p["kind"] == "high_speed" for p in hits.values())
    both = ids(client, "rail", kind="high_speed,metro")
    assert set(hits) < set(both) and {p["kind"] for p in both.values()} == {"high_speed", "metro"}


def test_status_filter(client):
    hits = ids(client, "highways", status="preparatory")
    assert hits and all(p["status"] == "preparatory" for p in hits.values())


def test_zone_filter(client):
    hits = ids(client, "rail", zone="zone:wandakai")
    assert "rail:chengdu-dazhou-wanzhou-hsr" in hits
    assert all("zone:wandakai" in p["zones"] for p in hits.values())


def test_province_and_cross_border_filters(client):
    cq = ids(client, "airports", province="chongqing")
    assert cq and all("chongqing" in p["provinces"] for p in cq.values())
    cross = ids(client, "highways", cross_border="true")
    assert cross and all(p["cross_border"] for p in cross.values())
    not_cross = ids(client, "highways", cross_border="false")
    assert set(cross).isdisjoint(not_cross)


def test_year_filter(client):
    hits = ids(client, "waterways", year=2029)
    assert "waterway:wujiang-baima-hub" in hits  # 2019–2030 in the shipping-centre table
    assert "waterway:jialing-lize-hub" not in hits  # 2019–2024
    for p in hits.values():
        assert (p["period_start"] or 0) <= 2029 <= (p["period_end"] or 9999)


def test_filters_combine_with_bbox_and_q(client):
    hits = ids(client, "rail", q="成达万", bbox="107,30,109,32", status="under_construction")
    assert list(hits) == ["rail:chengdu-dazhou-wanzhou-hsr"]


@pytest.mark.parametrize(
    "url, status, fragment",
    [
        pytest.param("/api/layers/counties?zone=zone:wandakai", 400, "no property 'zone'", id="filter-not-on-layer"),
        pytest.param("/api/layers/rail?cross_border=maybe", 400, "true or false", id="bad-boolean"),
        pytest.param("/api/layers/rail?year=abc", 422, "year", id="year-text"),
        pytest.param("/api/layers/counties?year=2024", 400, "period", id="year-not-on-layer"),
        pytest.param("/api/layers/rail/download?format=csv&zone=", 400, "needs a value", id="empty-filter"),
    ],
)
def test_bad_filters(client, url, status, fragment):
    r = client.get(url)
    assert r.status_code == status and fragment in r.json()["description"]


def test_filtered_download_round_trips(client, tmp_path):
    import pyogrio

    r = client.get("/api/layers/rail/download", params={"format": "gpkg", "kind": "high_speed"})
    path = tmp_path / "rail.gpkg"
    path.write_bytes(r.content)
    table = pyogrio.read_dataframe(path)
    assert len(table) == len(ids(client, "rail", kind="high_speed"))
    assert set(table["kind"]) == {"high_speed"}
