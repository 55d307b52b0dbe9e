import pytest


@pytest.mark.parametrize(
    "q, expected_first",
    [("成达万", "rail:chengdu-dazhou-wanzhou-hsr"), ("川渝高竹新区", "zone:gaozhu"), ("万州区", "region:500101"), ("Wanzhou District", "region:500101")],
)
def test_search_ranks_exact_names_first(client, q, expected_first):
    body = client.get("/api/search", params={"q": q}).json()
    assert body["results"][0]["id"] == expected_first
    assert len(body["results"][0]["bbox"]) == 4


def test_search_spans_layers_and_limits(client):
    body = client.get("/api/search", params={"q": "wanzhou", "limit": 5}).json()
    assert body["numberMatched"] > 5 and len(body["results"]) == 5
    layers = {r["layer"] for r in client.get("/api/search", params={"q": "wanzhou", "limit": 100}).json()["results"]}
    assert {"zones", "counties", "rail"} <= layers


@pytest.mark.parametrize("url, status", [("/api/search", 400), ("/api/search?q=", 400), ("/api/search?q=x&limit=0", 422)])
def test_search_bad_input(client, url, status):
    assert client.get(url).status_code == status
