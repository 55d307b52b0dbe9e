import pytest


@pytest.mark.parametrize("fid, name", [("zone:wandakai", "万达开川渝统筹发展示范区"), ("region:500101", "万州区"), ("economic_circle:partial", None)])
def test_feature_by_id(client, fid, name):
    r = client.get(f"/api/features/{fid}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    feature = r.json()
    assert feature["type"] == "Feature" and feature["id"] == fid
    if name:
        assert feature["properties"]["name_zh"] == name


def test_feature_carries_citations(client):
    props = client.get("/api/features/zone:gaozhu").json()["properties"]
    assert props["sources"] and all({"seed", "doc", "quote", "doc_date"} <= set(s) for s in props["sources"])
    assert props["area_km2_documented"] == 262
